// AWS Signature Version 4 for S3 requests sent in the Authorization header, as specified in
// "Authenticating Requests: Using the Authorization Header (AWS Signature Version 4)" of the S3 API
// reference: canonical request → string to sign → HMAC chain of date/region/service → signature.
// S3 differs from the other services in two ways kept here: the path is URI-encoded once (not
// twice), and x-amz-content-sha256 is always signed (a payload hash or UNSIGNED-PAYLOAD).
import { createHash, createHmac } from 'node:crypto';

export interface SigV4Credentials {
  accessKeyId: string;
  secretAccessKey: string;
}

export interface SigV4Request {
  method: string;
  url: URL;
  /** Headers to sign besides host, x-amz-date and x-amz-content-sha256 (any case). */
  headers: Record<string, string>;
  /** Hex sha256 of the body, or 'UNSIGNED-PAYLOAD'. */
  payloadHash: string;
  region: string;
  service?: string;
  now: Date;
  credentials: SigV4Credentials;
}

/** The hash of an empty body (GET, HEAD, DELETE). */
export const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

/** RFC 3986 unreserved characters stay; everything else is %XX, uppercase (encodeURIComponent leaves !'()* alone). */
export function uriEncode(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** 20130524T000000Z */
export function amzDate(d: Date): string {
  return d
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

const hmac = (key: Buffer | string, data: string) => createHmac('sha256', key).update(data, 'utf8').digest();
const sha256 = (data: string) => createHash('sha256').update(data, 'utf8').digest('hex');

function canonicalQuery(url: URL): string {
  const pairs = [...url.searchParams].map(([k, v]) => [uriEncode(k), uriEncode(v)]);
  pairs.sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0));
  return pairs.map(([k, v]) => `${k}=${v}`).join('&');
}

/** Every header that is signed, lowercased names, values trimmed with inner runs of spaces folded. */
function signedHeaders(r: SigV4Request): [string, string][] {
  const all: Record<string, string> = { host: r.url.host, 'x-amz-content-sha256': r.payloadHash, 'x-amz-date': amzDate(r.now) };
  for (const [k, v] of Object.entries(r.headers)) all[k.toLowerCase()] = v.trim().replace(/ +/g, ' ');
  return Object.entries(all).sort(([a], [b]) => (a < b ? -1 : 1));
}

export function canonicalRequest(r: SigV4Request): string {
  const path = r.url.pathname
    .split('/')
    .map((seg) => uriEncode(decodeURIComponent(seg)))
    .join('/');
  const headers = signedHeaders(r);
  return [
    r.method.toUpperCase(),
    path,
    canonicalQuery(r.url),
    ...headers.map(([k, v]) => `${k}:${v}`),
    '',
    headers.map(([k]) => k).join(';'),
    r.payloadHash,
  ].join('\n');
}

function scope(r: SigV4Request): string {
  return `${amzDate(r.now).slice(0, 8)}/${r.region}/${r.service ?? 's3'}/aws4_request`;
}

export function stringToSign(r: SigV4Request): string {
  return ['AWS4-HMAC-SHA256', amzDate(r.now), scope(r), sha256(canonicalRequest(r))].join('\n');
}

export function signature(r: SigV4Request): string {
  const day = amzDate(r.now).slice(0, 8);
  const key = hmac(hmac(hmac(hmac(`AWS4${r.credentials.secretAccessKey}`, day), r.region), r.service ?? 's3'), 'aws4_request');
  return createHmac('sha256', key).update(stringToSign(r), 'utf8').digest('hex');
}

/** The headers to send (host is the URL's, set by fetch): the caller's, x-amz-date, x-amz-content-sha256 and Authorization. */
export function signRequest(r: SigV4Request): Record<string, string> {
  const names = signedHeaders(r).map(([k]) => k);
  const authorization = `AWS4-HMAC-SHA256 Credential=${r.credentials.accessKeyId}/${scope(r)},` + `SignedHeaders=${names.join(';')},Signature=${signature(r)}`;
  return { ...r.headers, 'x-amz-date': amzDate(r.now), 'x-amz-content-sha256': r.payloadHash, authorization };
}
