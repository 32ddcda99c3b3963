// `npm run restore -- <backup dir> [--data-dir <dir>] [--force]`: verifies a backup and restores it
// as a data folder (default: DATA_DIR). Refuses a folder a server is using, and a non-empty folder
// unless --force (which moves its contents aside). With ARTIFACT_STORE=pg or s3 the artifacts are put
// into that store instead of the data folder. See README "Backup and restore".
import { restorePgBackup } from '../db/backup/pg';
import { restoreBackup, RestoreRefused } from '../db/backup/restore';
import { env } from '../lib/env';
import { storeSink } from '../lib/runtime/artifacts/backup-io';
import { openArtifactStore } from '../lib/runtime/artifacts/open-store';

function usage(message: string): never {
  console.error(`${message}\nusage: npm run restore -- <backup dir> [--data-dir <dir>] [--force]`);
  process.exit(2);
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  let backupDir: string | null = null;
  let dataDir = process.env.DATA_DIR ?? './data';
  let force = false;
  for (let i = 0; i < args.length; i++) {
    const value = args[i + 1];
    if (args[i] === '--data-dir' && value) {
      dataDir = value;
      i++;
    } else if (args[i] === '--force') force = true;
    else if (!args[i].startsWith('--') && backupDir === null) backupDir = args[i];
    else usage(`unknown argument: ${args[i]}`);
  }
  if (backupDir === null) usage('which backup? give its folder');
  if (env.DATABASE_URL) {
    // PostgreSQL mode: verified, then pg_restore in one transaction into DATABASE_URL (replicas stopped).
    const r = await restorePgBackup({ backupDir, url: env.DATABASE_URL, force });
    const c = r.counts;
    console.log(`restored ${backupDir} (taken ${r.manifest.created_at}) into the database of DATABASE_URL`);
    console.log(
      `  ${c.models} models, ${c.versions} versions, ${c.artifacts} model files, ${c.predictions} predictions, ${c.outcomes} outcomes: the backup's counts`,
    );
    return;
  }
  const store = env.ARTIFACT_STORE === 'fs' ? null : openArtifactStore({ ...env, DATA_DIR: dataDir }, { cache: false });
  let r: Awaited<ReturnType<typeof restoreBackup>>;
  try {
    await store?.init();
    r = await restoreBackup({ backupDir, dataDir, force, ...(store ? { artifacts: storeSink(store) } : {}) });
  } finally {
    await store?.close();
  }
  const c = r.manifest.counts;
  console.log(`restored ${backupDir} (taken ${r.manifest.created_at}) into ${r.dataDir} in ${r.durationMs} ms`);
  console.log(
    `  ${c.models} models, ${c.versions} versions, ${c.predictions} predictions, ${c.outcomes} outcomes; ${r.manifest.artifacts.length} artifacts verified` +
      (store ? `, put into the ${store.backend} store (${store.where})` : ''),
  );
  if (r.movedAside) console.log(`  the folder's previous contents are in ${r.movedAside}`);
  console.log('  start the server on it: DATA_DIR=' + r.dataDir + ' npm start');
}

main().catch((err: unknown) => {
  if (err instanceof RestoreRefused) console.error(`restore refused: ${err.message}`);
  else console.error(`restore failed: ${(err as Error).message ?? String(err)}`);
  process.exit(1);
});
