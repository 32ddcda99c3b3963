// Requests refused by validation (400/413/422 of a resolved model's prediction routes), counted in
// memory per model × hour × reason × field path and drained every few seconds into
// validation_failures (lib/runtime/start.ts), so the request path never writes for them. Bounded:
// models are resolved ones only (an unknown name never counts), array indices in paths fold to `*`,
// the reason is the message with its values blanked, and each model keeps at most MAX_KEYS distinct
// (reason, path) an hour — beyond them, refusals count as ("other", "other").
import type { RefusalCount } from '../../db/queries/quality';
import { hourOf } from '../metrics/buckets';

export const MAX_KEYS = 50;
const MAX_REASON = 120;
const MAX_PATH = 200;

/** Control characters (NUL among them, which PostgreSQL's text refuses) become U+FFFD in what is stored. */
const CONTROL = /[\u0000-\u001f\u007f]/g;

/** `instances[12][3]` → `instances[*][3]`, `dataframe_records[5].age` → `dataframe_records[*].age`: the row index goes. */
export function foldPath(path: string): string {
  return path
    .replace(/\[\d+\]/, '[*]')
    .replace(CONTROL, '\ufffd')
    .slice(0, MAX_PATH);
}

/**
 * The refusal's reason: its message without the path it starts with, quoted text and numbers
 * blanked (`expected a number, got "abc"` → `expected a number, got "…"`), so reasons are few and
 * carry no client data.
 */
export function reasonOf(message: string, path: string): string {
  const text = message.startsWith(`${path}: `) ? message.slice(path.length + 2) : message;
  return text
    .replace(/"(?:[^"\\]|\\.)*"/g, '"…"')
    .replace(/token '(?:[^'\\]|\\.)*'/g, "token '…'")
    .replace(/-?\d+(?:\.\d+)?(?:e[+-]?\d+)?/gi, 'N')
    .replace(CONTROL, '\ufffd')
    .slice(0, MAX_REASON);
}

export class RefusalCounter {
  private counts = new Map<string, RefusalCount>();
  /** Per model: the hour and the (reason, path) keys it has counted in it. */
  private keys = new Map<string, { hour: number; seen: Set<string> }>();

  add(model: string, message: string, rawPath: string, now = Date.now()): void {
    const hour = hourOf(now);
    let path = foldPath(rawPath || 'body');
    let reason = reasonOf(message, rawPath);
    let seen = this.keys.get(model);
    if (!seen || seen.hour !== hour) {
      seen = { hour, seen: new Set() };
      this.keys.set(model, seen);
    }
    const key = `${reason}\u0000${path}`;
    if (!seen.seen.has(key)) {
      if (seen.seen.size >= MAX_KEYS) {
        reason = 'other';
        path = 'other';
      } else seen.seen.add(key);
    }
    const at = `${model}\u0000${hour}\u0000${reason}\u0000${path}`;
    const c = this.counts.get(at);
    if (c) c.count++;
    else this.counts.set(at, { model, hour, reason, path, count: 1 });
  }

  /** The counts since the last drain (and forgets them). */
  drain(): RefusalCount[] {
    const out = [...this.counts.values()];
    this.counts.clear();
    return out;
  }
}
