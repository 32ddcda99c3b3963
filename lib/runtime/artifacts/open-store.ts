// The artifact backend a process uses, chosen by ARTIFACT_STORE (lib/env.ts checked its settings):
// the runtime opens it once; the backup and restore tools open their own.
import { join } from 'node:path';
import { openPg, type PgHandle } from '../../../db/pg/client';
import type { Env } from '../../env';
import { FsArtifactStore } from './fs-store';
import { PgBlobs } from './pg-store';
import { ArtifactCache } from './read-cache';
import { RemoteArtifactStore } from './remote-store';
import { S3Client } from './s3-client';
import { S3Blobs } from './s3-store';
import type { ArtifactStore } from './types';

export type StoreSettings = Pick<
  Env,
  | 'DATA_DIR'
  | 'ARTIFACT_STORE'
  | 'ARTIFACT_CACHE_MB'
  | 'DATABASE_URL'
  | 'S3_ENDPOINT'
  | 'S3_BUCKET'
  | 'S3_REGION'
  | 'S3_ACCESS_KEY_ID'
  | 'S3_SECRET_ACCESS_KEY'
  | 'S3_PREFIX'
>;

/** Connections a replica's artifact reads and writes may hold (a model load reads one chunk at a time). */
const PG_POOL_SIZE = 4;

function required(value: string | undefined, name: string): string {
  if (value === undefined) throw new Error(`${name} is required for ARTIFACT_STORE`);
  return value;
}

/** `cache: false` reads past the cache (a tool running beside the server must not evict the server's files). */
/** `pg`: the runtime's own PostgreSQL handle, shared (one pool per replica); absent, the store opens one of its own. */
export function openArtifactStore(s: StoreSettings, { cache = true, pg }: { cache?: boolean; pg?: PgHandle } = {}): ArtifactStore {
  if (s.ARTIFACT_STORE === 'fs') return new FsArtifactStore(join(s.DATA_DIR, 'artifacts'));
  const readCache = cache ? new ArtifactCache(join(s.DATA_DIR, 'artifact-cache'), Math.floor(s.ARTIFACT_CACHE_MB * 1024 * 1024)) : null;
  if (s.ARTIFACT_STORE === 'pg') {
    const blobs = pg ? new PgBlobs(pg, { owned: false }) : new PgBlobs(openPg(required(s.DATABASE_URL, 'DATABASE_URL'), { max: PG_POOL_SIZE }));
    return new RemoteArtifactStore(blobs, readCache);
  }
  const client = new S3Client({
    endpoint: required(s.S3_ENDPOINT, 'S3_ENDPOINT'),
    bucket: required(s.S3_BUCKET, 'S3_BUCKET'),
    region: s.S3_REGION,
    credentials: { accessKeyId: required(s.S3_ACCESS_KEY_ID, 'S3_ACCESS_KEY_ID'), secretAccessKey: required(s.S3_SECRET_ACCESS_KEY, 'S3_SECRET_ACCESS_KEY') },
  });
  return new RemoteArtifactStore(new S3Blobs(client, s.S3_PREFIX), readCache);
}
