// `npm run restore`: puts a backup folder back as a data folder. The backup is verified first (every
// file against the manifest's sha256, the database against integrity_check); the target must not be
// in use by a server and must be empty unless forced, in which case its old contents are moved aside
// to <dir>.before-restore-<time>, never deleted. Files are staged inside the target and renamed into
// place, so a failed restore leaves no half-restored folder. With ARTIFACT_STORE=pg or s3 the caller
// passes a sink (lib/runtime/artifacts/backup-io.ts): the artifacts are put into that store (content-
// addressed, so ones already there are kept as they are) before the database is renamed into place.
import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { chmod, copyFile, mkdir, readFile, readdir, rename, rm } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { databaseHolders } from '../instance';
import type { ArtifactStoreName } from '../../lib/schemas/storage';
import { DB_FILE, MANIFEST_FILE, SECRET_KEY_FILE, manifestSchema, sha256File, type BackupManifest } from './manifest';

export class RestoreRefused extends Error {}

/** Where restored artifacts go when they do not go to DATA_DIR/artifacts: the server's remote artifact store. */
export interface ArtifactSink {
  store: ArtifactStoreName;
  where: string;
  /** Stores the verified file at `path` (a copy of the backup's, consumed) as `entry.file`. */
  put(path: string, entry: { file: string; sha256: string; bytes: number }): Promise<void>;
}

export interface RestoreResult {
  dataDir: string;
  movedAside: string | null;
  manifest: BackupManifest;
  durationMs: number;
}

async function readManifest(backupDir: string): Promise<BackupManifest> {
  const path = join(backupDir, MANIFEST_FILE);
  if (!existsSync(path)) throw new RestoreRefused(`${backupDir} is not a Modeldock backup (no ${MANIFEST_FILE})`);
  const parsed = manifestSchema.safeParse(JSON.parse(await readFile(path, 'utf8')));
  if (!parsed.success) throw new RestoreRefused(`${path} is not a valid backup manifest: ${parsed.error.issues[0]?.message}`);
  return parsed.data;
}

/** Every file of the backup matches the manifest, and the database passes integrity_check. */
async function verifyBackup(backupDir: string, m: BackupManifest): Promise<void> {
  const entries = [
    { path: join(backupDir, DB_FILE), sha256: m.database.sha256, bytes: m.database.bytes },
    ...m.artifacts.map((a) => ({ path: join(backupDir, 'artifacts', a.file), sha256: a.sha256, bytes: a.bytes })),
    ...(m.secret_key ? [{ path: join(backupDir, SECRET_KEY_FILE), sha256: m.secret_key.sha256, bytes: m.secret_key.bytes }] : []),
  ];
  for (const e of entries) {
    if (!existsSync(e.path)) throw new RestoreRefused(`the backup is incomplete: ${e.path} is missing`);
    const actual = await sha256File(e.path);
    if (actual.sha256 !== e.sha256 || actual.bytes !== e.bytes)
      throw new RestoreRefused(`the backup is damaged: ${e.path} does not match its sha256 in the manifest`);
  }
  const db = new Database(join(backupDir, DB_FILE), { readonly: true, fileMustExist: true });
  try {
    const integrity = db.pragma('integrity_check', { simple: true });
    if (integrity !== 'ok') throw new RestoreRefused(`the backup's database fails integrity_check: ${String(integrity)}`);
  } finally {
    db.close();
  }
}

function stamp(): string {
  return new Date().toISOString().replace(/:/g, '-').replace('.', '-');
}

export async function restoreBackup(o: { backupDir: string; dataDir: string; force: boolean; artifacts?: ArtifactSink }): Promise<RestoreResult> {
  const t0 = performance.now();
  const backupDir = resolve(o.backupDir);
  const dataDir = resolve(o.dataDir);
  const manifest = await readManifest(backupDir);
  await verifyBackup(backupDir, manifest);

  const holders = existsSync(dataDir) ? databaseHolders(dataDir) : [];
  if (holders.length > 0) {
    throw new RestoreRefused(`a running process (pid ${holders.join(', ')}) is using ${dataDir}; stop the server first (--force does not override this)`);
  }
  const existing = existsSync(dataDir) ? await readdir(dataDir) : [];
  let movedAside: string | null = null;
  if (existing.length > 0) {
    if (!o.force)
      throw new RestoreRefused(
        `${dataDir} is not empty (${existing.slice(0, 5).join(', ')}); pass --force to replace it (its contents are moved to ${basename(dataDir)}.before-restore-<time>)`,
      );
    movedAside = `${dataDir}.before-restore-${stamp()}`;
    await rename(dataDir, movedAside);
  }
  const stage = join(dataDir, `.restore-${stamp()}`);
  try {
    await mkdir(join(stage, 'artifacts'), { recursive: true });
    await copyFile(join(backupDir, DB_FILE), join(stage, DB_FILE));
    for (const a of manifest.artifacts) {
      const dest = join(stage, 'artifacts', a.file);
      await copyFile(join(backupDir, 'artifacts', a.file), dest);
      if ((await sha256File(dest)).sha256 !== a.sha256) throw new Error(`copying ${a.file} produced different bytes`);
      await o.artifacts?.put(dest, a);
    }
    if ((await sha256File(join(stage, DB_FILE))).sha256 !== manifest.database.sha256) throw new Error('copying the database produced different bytes');
    if (manifest.secret_key) {
      await copyFile(join(backupDir, SECRET_KEY_FILE), join(stage, SECRET_KEY_FILE));
      await chmod(join(stage, SECRET_KEY_FILE), 0o600);
    }
    if (!o.artifacts) await rename(join(stage, 'artifacts'), join(dataDir, 'artifacts'));
    if (manifest.secret_key) await rename(join(stage, SECRET_KEY_FILE), join(dataDir, SECRET_KEY_FILE));
    await rename(join(stage, DB_FILE), join(dataDir, DB_FILE));
    await rm(stage, { recursive: true, force: true });
  } catch (err) {
    // Leave the target as it was: empty again, or the moved-aside folder back in place.
    await rm(join(dataDir, 'artifacts'), { recursive: true, force: true });
    await rm(join(dataDir, DB_FILE), { force: true });
    await rm(join(dataDir, SECRET_KEY_FILE), { force: true });
    await rm(stage, { recursive: true, force: true });
    if (movedAside) {
      await rm(dataDir, { recursive: true, force: true });
      await rename(movedAside, dataDir);
    }
    throw err;
  }
  return { dataDir, movedAside, manifest, durationMs: Math.round(performance.now() - t0) };
}
