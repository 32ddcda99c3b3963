// Signed export links: the `export_url` of a model.needs_retraining delivery lets a CI job download
// the labeled predictions of the affected version over the bad windows without an API key. The
// link's query names exactly what it opens (model, version, from, to, labeled, format) and until
// when (`expires`, epoch seconds); `sig` is the HMAC-SHA256 of those, keyed by a key derived from
// the installation's master key. Any other query, a changed value or a passed `expires` is 403.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { AppError } from '../../errors';
import { env, publicUrl } from '../../env';
import { derivedKey } from '../../runtime/secret-key';

export interface ExportLinkScope {
  model: string;
  version: number;
  from: string;
  to: string;
  format: 'csv' | 'parquet';
}

const canonical = (s: ExportLinkScope, expires: number) => ['v1', s.model, s.version, s.from, s.to, 'labeled', s.format, expires].join('\n');
const sign = (s: ExportLinkScope, expires: number) => createHmac('sha256', derivedKey('export-links')).update(canonical(s, expires)).digest('base64url');

/** A link to the labeled export of `scope`, valid for EXPORT_LINK_TTL_HOURS from `now`. */
export function signExportLink(scope: ExportLinkScope, now = Date.now()): { url: string; expiresAt: string } {
  const expires = Math.floor(now / 1000 + env.EXPORT_LINK_TTL_HOURS * 3600);
  const q = new URLSearchParams({
    version: String(scope.version),
    from: scope.from,
    to: scope.to,
    labeled: 'true',
    format: scope.format,
    expires: String(expires),
    sig: sign(scope, expires),
  });
  return { url: `${publicUrl()}/api/v1/models/${encodeURIComponent(scope.model)}/predictions/export?${q}`, expiresAt: new Date(expires * 1000).toISOString() };
}

const forbidden = (path: string, message: string) => new AppError('forbidden', `export link: ${message}`, [{ path, message }]);

/** Checks a signed link's query (as parsed by the export route); throws 403 unless it is intact and unexpired. */
export function verifyExportLink(
  model: string,
  q: { version?: number; alias?: string; from?: string; to?: string; labeled?: boolean; format: 'csv' | 'parquet'; expires?: number; sig?: string },
  now = Date.now(),
): void {
  if (q.expires === undefined) throw forbidden('expires', 'a signed link needs expires');
  if (q.version === undefined || q.from === undefined || q.to === undefined || q.labeled !== true || q.alias !== undefined)
    throw forbidden('sig', 'the link was altered (a signed link names version, from, to and labeled=true, and nothing else)');
  const expected = Buffer.from(sign({ model, version: q.version, from: q.from, to: q.to, format: q.format }, q.expires));
  const given = Buffer.from(q.sig ?? '');
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    throw forbidden('sig', 'the signature does not match (the link was altered, or signed with another MODELDOCK_SECRET_KEY)');
  if (q.expires * 1000 <= now)
    throw forbidden('expires', `the link expired at ${new Date(q.expires * 1000).toISOString()}; a new delivery carries a fresh one`);
}
