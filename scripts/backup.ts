// `npm run backup -- [--out <dir>] [--data-dir <dir>]`: an online backup of DATA_DIR (the server may
// keep running) into <out>/modeldock-<time>/ (default out: ./backups). With ARTIFACT_STORE=pg or s3
// the artifacts are fetched from that store. See README "Backup and restore".
import { describeBackup, createBackup } from '../db/backup/backup';
import { createPgBackup } from '../db/backup/pg';
import { env } from '../lib/env';
import { storeSource } from '../lib/runtime/artifacts/backup-io';
import { openArtifactStore } from '../lib/runtime/artifacts/open-store';

function usage(message: string): never {
  console.error(`${message}\nusage: npm run backup -- [--out <dir>] [--data-dir <dir>]`);
  process.exit(2);
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  let out = './backups';
  let dataDir = process.env.DATA_DIR ?? './data';
  for (let i = 0; i < args.length; i++) {
    const value = args[i + 1];
    if (args[i] === '--out' && value) {
      out = value;
      i++;
    } else if (args[i] === '--data-dir' && value) {
      dataDir = value;
      i++;
    } else usage(`unknown argument: ${args[i]}`);
  }
  if (env.DATABASE_URL) {
    // PostgreSQL mode: pg_dump of one snapshot (model files are rows of it with ARTIFACT_STORE=pg).
    if (env.ARTIFACT_STORE !== 'pg') usage('with DATABASE_URL, backup covers ARTIFACT_STORE=pg; back up your fs or s3 store with its own tools');
    const { dir, manifest } = await createPgBackup({ url: env.DATABASE_URL, outDir: out });
    const c = manifest.counts;
    console.log(
      `backup written to ${dir} in ${manifest.duration_ms} ms\n  pg_dump: ${(manifest.database.bytes / 1048576).toFixed(1)} MB, sha256 ${manifest.database.sha256.slice(0, 16)}…\n` +
        `  ${c.models} models, ${c.versions} versions, ${c.artifacts} model files, ${c.predictions} predictions in ${c.prediction_requests} requests, ${c.outcomes} outcomes`,
    );
    return;
  }
  // The server's cache is its own: the backup reads the store directly.
  const store = env.ARTIFACT_STORE === 'fs' ? null : openArtifactStore({ ...env, DATA_DIR: dataDir }, { cache: false });
  try {
    const result = await createBackup({ dataDir, outDir: out, ...(store ? { artifacts: storeSource(store) } : {}) });
    console.log(describeBackup(result));
  } finally {
    await store?.close();
  }
}

main().catch((err: unknown) => {
  console.error(`backup failed: ${(err as Error).message ?? String(err)}`);
  process.exit(1);
});
