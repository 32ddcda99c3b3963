'use client';
// Copies text to the clipboard and says so. navigator.clipboard exists only in secure contexts
// (https, localhost); a self-hosted app on plain http falls back to a selected textarea.
import { useEffect, useState } from 'react';
import { Button } from './button';

async function copyText(text: string): Promise<void> {
  if (navigator.clipboard && window.isSecureContext) return navigator.clipboard.writeText(text);
  const area = document.createElement('textarea');
  area.value = text;
  area.setAttribute('readonly', '');
  area.style.position = 'fixed';
  area.style.opacity = '0';
  document.body.appendChild(area);
  area.select();
  try {
    if (!document.execCommand('copy')) throw new Error('copy refused');
  } finally {
    area.remove();
  }
}

export function CopyButton({ text, label = 'Copy', className }: { text: string; label?: string; className?: string }) {
  // Each click restarts the 2 s during which the button says what happened.
  const [result, setResult] = useState<{ state: 'idle' | 'copied' | 'failed'; at: number }>({ state: 'idle', at: 0 });
  const state = result.state;
  const setState = (next: 'copied' | 'failed') => setResult((r) => ({ state: next, at: r.at + 1 }));
  useEffect(() => {
    if (result.state === 'idle') return;
    const t = setTimeout(() => setResult((r) => ({ state: 'idle', at: r.at })), 2000);
    return () => clearTimeout(t);
  }, [result]);
  return (
    <Button
      variant="secondary"
      size="sm"
      className={className}
      aria-label={label}
      onClick={() =>
        copyText(text).then(
          () => setState('copied'),
          () => setState('failed'),
        )
      }
    >
      <span aria-live="polite">{state === 'copied' ? 'Copied' : state === 'failed' ? 'Select and copy' : label}</span>
    </Button>
  );
}
