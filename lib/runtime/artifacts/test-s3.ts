// For tests: an S3-compatible endpoint of their own (s3rver, in-process, on a free port of the
// loopback, objects in a temp folder of their own). s3rver knows one key pair, S3RVER/S3RVER, and
// checks SigV4 requests for form (credential, date skew, payload hash), not their signature: the
// signer is proven against AWS's published examples in sigv4.test.ts.
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { S3Settings } from './s3-client';

interface S3rverOptions {
  port: number;
  address: string;
  silent: boolean;
  directory: string;
  configureBuckets: { name: string }[];
}
interface S3rverInstance {
  run(): Promise<{ port: number; address: string }>;
  close(): Promise<void>;
}
// Resolved from the project's root, so vitest (ESM) and Playwright (CommonJS) load it alike.
const S3rver = createRequire(join(process.cwd(), 'package.json'))('s3rver') as new (o: S3rverOptions) => S3rverInstance;

export interface TestS3 {
  settings: S3Settings;
  /** Where s3rver keeps the objects. */
  dir: string;
  stop(): Promise<void>;
}

export async function startTestS3(bucket = 'models'): Promise<TestS3> {
  const dir = mkdtempSync(join(tmpdir(), 'modeldock-s3-'));
  const server = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory: dir, configureBuckets: [{ name: bucket }] });
  const { port } = await server.run();
  return {
    settings: {
      endpoint: `http://127.0.0.1:${port}`,
      bucket,
      region: 'us-east-1',
      credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    },
    dir,
    stop: async () => {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
