// The settings of the artifact store: each backend refuses to start without what it needs, naming the variable.
import { describe, expect, it } from 'vitest';
import { parseEnv } from './env';

const s3 = { S3_ENDPOINT: 'http://127.0.0.1:9000', S3_BUCKET: 'models', S3_ACCESS_KEY_ID: 'id', S3_SECRET_ACCESS_KEY: 'secret' };

describe('ARTIFACT_STORE', () => {
  it('defaults to fs, with a 2 GiB cache and us-east-1', () => {
    const e = parseEnv({});
    expect(e.ARTIFACT_STORE).toBe('fs');
    expect(e.ARTIFACT_CACHE_MB).toBe(2048);
    expect(e.S3_REGION).toBe('us-east-1');
    expect(e.S3_PREFIX).toBe('');
  });

  it('defaults to pg with DATABASE_URL (replicas need nothing but the database); fs or s3 when asked', () => {
    expect(parseEnv({ DATABASE_URL: 'postgres://db/modeldock' }).ARTIFACT_STORE).toBe('pg');
    expect(parseEnv({ DATABASE_URL: 'postgres://db/modeldock', ARTIFACT_STORE: 'fs' }).ARTIFACT_STORE).toBe('fs');
    expect(parseEnv({ DATABASE_URL: 'postgres://db/modeldock', ARTIFACT_STORE: 's3', ...s3 }).ARTIFACT_STORE).toBe('s3');
  });

  it('s3 needs an endpoint, a bucket and both keys', () => {
    expect(parseEnv({ ARTIFACT_STORE: 's3', ...s3 }).S3_BUCKET).toBe('models');
    expect(() => parseEnv({ ARTIFACT_STORE: 's3' })).toThrow(
      'Invalid environment: S3_ENDPOINT: required when ARTIFACT_STORE=s3; S3_BUCKET: required when ARTIFACT_STORE=s3; ' +
        'S3_ACCESS_KEY_ID: required when ARTIFACT_STORE=s3; S3_SECRET_ACCESS_KEY: required when ARTIFACT_STORE=s3',
    );
    expect(() => parseEnv({ ARTIFACT_STORE: 's3', ...s3, S3_SECRET_ACCESS_KEY: undefined })).toThrow(/^Invalid environment: S3_SECRET_ACCESS_KEY: required/);
    // Left empty (`S3_BUCKET=` in a compose file) is unset.
    expect(() => parseEnv({ ARTIFACT_STORE: 's3', ...s3, S3_BUCKET: '' })).toThrow('Invalid environment: S3_BUCKET: required when ARTIFACT_STORE=s3');
    expect(() => parseEnv({ ARTIFACT_STORE: 's3', ...s3, S3_ENDPOINT: 'ftp://host' })).toThrow(/S3_ENDPOINT: must be an http\(s\) URL/);
  });

  it('pg needs DATABASE_URL, a postgres:// URL', () => {
    expect(() => parseEnv({ ARTIFACT_STORE: 'pg' })).toThrow('Invalid environment: DATABASE_URL: required when ARTIFACT_STORE=pg');
    expect(() => parseEnv({ ARTIFACT_STORE: 'pg', DATABASE_URL: 'mysql://x/y' })).toThrow(/DATABASE_URL: must be a postgres:\/\/ URL/);
    expect(parseEnv({ ARTIFACT_STORE: 'pg', DATABASE_URL: 'postgresql://u@h:5432/db' }).ARTIFACT_STORE).toBe('pg');
  });

  it('refuses a backend it does not know', () => {
    expect(() => parseEnv({ ARTIFACT_STORE: 'gcs' })).toThrow(/ARTIFACT_STORE: /);
  });
});
