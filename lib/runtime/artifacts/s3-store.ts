// ARTIFACT_STORE=s3: artifacts as objects <S3_PREFIX><sha256>.<kind> in one bucket of any
// S3-compatible endpoint, read through the local cache (remote-store.ts).
import type { RemoteBlobs } from './remote-store';
import type { S3Client } from './s3-client';
import { artifactName, type ArtifactKind, type TempFile } from './types';

export class S3Blobs implements RemoteBlobs {
  readonly backend = 's3';

  constructor(
    readonly client: S3Client,
    readonly prefix: string,
  ) {}

  get where(): string {
    return `${this.client.where}/${this.prefix}`;
  }

  key(sha256: string, kind: ArtifactKind): string {
    return `${this.prefix}${artifactName(sha256, kind)}`;
  }

  /** Fails the start with the endpoint's answer when the bucket is missing or the keys may not use it. */
  init(): Promise<void> {
    return this.client.headBucket();
  }

  /** Content-addressed: an object already under the name holds these bytes, and a HEAD costs less than the upload. */
  async upload(tmp: TempFile, kind: ArtifactKind): Promise<void> {
    const key = this.key(tmp.sha256, kind);
    if (await this.client.headObject(key)) return;
    await this.client.putObject(key, { path: tmp.path, size: tmp.size, sha256: tmp.sha256 });
  }

  download(sha256: string, kind: ArtifactKind): Promise<Buffer | null> {
    return this.client.getObject(this.key(sha256, kind));
  }

  has(sha256: string, kind: ArtifactKind): Promise<boolean> {
    return this.client.headObject(this.key(sha256, kind));
  }

  delete(sha256: string, kind: ArtifactKind): Promise<void> {
    return this.client.deleteObject(this.key(sha256, kind));
  }

  async close(): Promise<void> {}
}
