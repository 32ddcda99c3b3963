// Signed export links and the encryption of webhook secrets, keyed by MODELDOCK_SECRET_KEY.
import { describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  process.env.MODELDOCK_SECRET_KEY = Buffer.alloc(32, 7).toString('base64');
  process.env.PUBLIC_URL = 'https://md.example.com/';
  process.env.EXPORT_LINK_TTL_HOURS = '168';
});

import { AppError } from '../../errors';
import { decryptText, encryptText } from '../../runtime/secret-key';
import { signExportLink, verifyExportLink } from './export-links';

const scope = { model: 'churn', version: 3, from: '2026-01-20T00:00:00.000Z', to: '2026-02-01T00:00:00.000Z', format: 'csv' as const };
const NOW = Date.UTC(2026, 1, 1);

/** The link's query as the export route parses it. */
function parsed(url: string) {
  const q = new URL(url).searchParams;
  return {
    version: Number(q.get('version')),
    from: q.get('from') ?? undefined,
    to: q.get('to') ?? undefined,
    labeled: q.get('labeled') === 'true' ? true : undefined,
    format: (q.get('format') ?? 'csv') as 'csv' | 'parquet',
    expires: Number(q.get('expires')),
    sig: q.get('sig') ?? undefined,
  };
}

function refusal(f: () => void): AppError {
  try {
    f();
  } catch (err) {
    if (AppError.is(err)) return err;
    throw err;
  }
  throw new Error('not refused');
}

describe('signed export links', () => {
  it('point at the export route under PUBLIC_URL, valid for 7 days', () => {
    const { url, expiresAt } = signExportLink(scope, NOW);
    expect(url.startsWith('https://md.example.com/api/v1/models/churn/predictions/export?version=3&from=')).toBe(true);
    expect(Date.parse(expiresAt) - NOW).toBe(7 * 86_400_000);
    expect(() => verifyExportLink('churn', parsed(url), NOW + 1000)).not.toThrow();
  });

  it('refuse another model, version, range or format, and a forged signature (403)', () => {
    const q = parsed(signExportLink(scope, NOW).url);
    for (const [model, bad] of [
      ['other', q],
      ['churn', { ...q, version: 2 }],
      ['churn', { ...q, from: '2025-01-01T00:00:00.000Z' }],
      ['churn', { ...q, format: 'parquet' as const }],
      ['churn', { ...q, expires: q.expires + 86_400 }],
      ['churn', { ...q, sig: q.sig!.replace(/^./, (c) => (c === 'A' ? 'B' : 'A')) }],
    ] as const) {
      const err = refusal(() => verifyExportLink(model, bad, NOW));
      expect(err.status).toBe(403);
      expect(err.message).toMatch(/^export link: the signature does not match/);
    }
    expect(refusal(() => verifyExportLink('churn', { ...q, labeled: undefined }, NOW)).message).toMatch(/altered/);
    expect(refusal(() => verifyExportLink('churn', { ...q, expires: undefined }, NOW)).errors[0].path).toBe('expires');
  });

  it('expire', () => {
    const q = parsed(signExportLink(scope, NOW).url);
    const err = refusal(() => verifyExportLink('churn', q, NOW + 7 * 86_400_000));
    expect(err.status).toBe(403);
    expect(err.message).toMatch(/expired at 2026-02-08T00:00:00.000Z/);
  });
});

describe('secrets at rest', () => {
  it('round-trip with a fresh IV each time, and refuse altered text', () => {
    const a = encryptText('whsec_abc');
    const b = encryptText('whsec_abc');
    expect(a).not.toBe(b);
    expect(a).not.toContain('whsec');
    expect(decryptText(a)).toBe('whsec_abc');
    const parts = a.split('.');
    parts[3] = Buffer.from('whsec_abd').toString('base64url');
    expect(() => decryptText(parts.join('.'))).toThrow();
  });
});
