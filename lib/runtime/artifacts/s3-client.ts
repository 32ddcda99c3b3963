// A minimal S3 client for the artifact store: PutObject, GetObject, HeadObject, DeleteObject and
// HeadBucket on any S3-compatible endpoint (AWS, MinIO, Ceph, R2…), path-style URLs
// (<endpoint>/<bucket>/<key>), signed with SigV4. The AWS SDK would add ~100 packages for five calls.
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { EMPTY_SHA256, signRequest, uriEncode, type SigV4Credentials } from './sigv4';

export interface S3Settings {
  endpoint: string;
  bucket: string;
  region: string;
  credentials: SigV4Credentials;
}

/** A refusal by the endpoint: HTTP status and S3's error code (NoSuchBucket, AccessDenied, SignatureDoesNotMatch…). */
export class S3Error extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** A single PUT takes at most 5 GiB (larger needs multipart upload, which models this size do not). */
export const MAX_PUT_BYTES = 5 * 1024 ** 3;

const STATUS_CODES: Record<number, string> = { 403: 'AccessDenied', 404: 'NotFound' };

type Body = { path: string; size: number; sha256: string };

export class S3Client {
  constructor(readonly settings: S3Settings) {}

  /** The bucket's URL, for messages. */
  get where(): string {
    return `${this.settings.endpoint.replace(/\/+$/, '')}/${this.settings.bucket}`;
  }

  private url(key: string): URL {
    const path = key === '' ? '' : `/${key.split('/').map(uriEncode).join('/')}`;
    return new URL(`${this.where}${path}`);
  }

  private async send(method: string, key: string, body?: Body): Promise<Response> {
    const url = this.url(key);
    // The payload is signed by its sha256, known from the upload: S3 refuses a body that differs (XAmzContentSHA256Mismatch).
    const headers = signRequest({
      method,
      url,
      headers: body ? { 'content-length': String(body.size), 'content-type': 'application/octet-stream' } : {},
      payloadHash: body?.sha256 ?? EMPTY_SHA256,
      region: this.settings.region,
      now: new Date(),
      credentials: this.settings.credentials,
    });
    const init: RequestInit & { duplex?: 'half' } = { method, headers };
    if (body) {
      init.body = Readable.toWeb(createReadStream(body.path)) as ReadableStream<Uint8Array>;
      init.duplex = 'half';
    }
    return fetch(url, init);
  }

  private async fail(res: Response, what: string): Promise<never> {
    // HEAD answers carry no body: the status alone names the error.
    const text = await res.text();
    const code = /<Code>([^<]*)<\/Code>/.exec(text)?.[1] ?? STATUS_CODES[res.status] ?? `HTTP ${res.status}`;
    const message = /<Message>([^<]*)<\/Message>/.exec(text)?.[1];
    throw new S3Error(res.status, code, `S3 ${what} at ${this.where}: ${code}${message ? ` (${message})` : ''}`);
  }

  /** Uploads a file whose sha256 and size are known. */
  async putObject(key: string, body: Body): Promise<void> {
    if (body.size > MAX_PUT_BYTES) throw new Error(`S3 PutObject ${key}: ${body.size} bytes is over the 5 GiB limit of a single PUT`);
    const res = await this.send('PUT', key, body);
    if (!res.ok) await this.fail(res, `PutObject ${key}`);
    await res.body?.cancel();
  }

  /** The object's bytes, or null when there is no such key. */
  async getObject(key: string): Promise<Buffer | null> {
    const res = await this.send('GET', key);
    if (res.status === 404) {
      await res.body?.cancel();
      return null;
    }
    if (!res.ok) await this.fail(res, `GetObject ${key}`);
    return Buffer.from(await res.arrayBuffer());
  }

  async headObject(key: string): Promise<boolean> {
    const res = await this.send('HEAD', key);
    if (res.status === 404) return false;
    if (!res.ok) await this.fail(res, `HeadObject ${key}`);
    return true;
  }

  /** S3 answers 204 whether or not the key existed. */
  async deleteObject(key: string): Promise<void> {
    const res = await this.send('DELETE', key);
    if (!res.ok && res.status !== 404) await this.fail(res, `DeleteObject ${key}`);
    await res.body?.cancel();
  }

  /** Throws unless the bucket exists and the credentials may use it. */
  async headBucket(): Promise<void> {
    const res = await this.send('HEAD', '');
    if (!res.ok) await this.fail(res, 'HeadBucket');
  }
}
