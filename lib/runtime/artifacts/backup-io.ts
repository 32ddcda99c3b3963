// The backup and restore tools (db/backup) on a remote artifact store: a backup fetches each
// artifact from the store (verified by hash, past the local cache, which belongs to the running
// server), a restore puts the backup's artifacts into the store. With fs they read and write the
// data folder themselves.
import { writeFile } from 'node:fs/promises';
import type { ArtifactSource } from '../../../db/backup/backup';
import type { ArtifactSink } from '../../../db/backup/restore';
import type { ArtifactKind, ArtifactStore } from './types';

function parse(file: string): { sha256: string; kind: ArtifactKind } {
  const m = /^([0-9a-f]{64})\.(onnx|json)$/.exec(file);
  if (!m) throw new Error(`not an artifact file name: ${file}`);
  return { sha256: m[1], kind: m[2] as ArtifactKind };
}

export function storeSource(store: ArtifactStore): ArtifactSource {
  return {
    store: store.backend,
    where: store.where,
    copy: async (file, dest) => {
      const { sha256, kind } = parse(file);
      await writeFile(dest, await store.get(sha256, kind));
    },
  };
}

export function storeSink(store: ArtifactStore): ArtifactSink {
  return {
    store: store.backend,
    where: store.where,
    put: async (path, entry) => {
      const { sha256, kind } = parse(entry.file);
      await store.put({ path, sha256, size: entry.bytes }, kind);
    },
  };
}
