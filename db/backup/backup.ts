// `npm run backup`: a self-contained copy of a data folder, taken while the server runs. The database
// goes through SQLite's online backup API (one consistent snapshot; the server keeps writing), then
// the artifacts that snapshot references are copied and verified by hash — or hard-linked from an
// earlier backup in the same folder that already holds them. Written to <name>.partial and renamed
// when complete, so an interrupted backup never looks like one. With ARTIFACT_STORE=pg or s3 the
// artifacts are not in the data folder: the caller passes a source that fetches them from the store
// (lib/runtime/artifacts/backup-io.ts), and the backup holds them all the same.
import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { chmod, copyFile, link, mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { ArtifactStoreName } from '../../lib/schemas/storage';
import { DB_FILE, MANIFEST_FILE, SECRET_KEY_FILE, sha256File, type BackupManifest } from './manifest';

/** Where the artifacts are copied from: DATA_DIR/artifacts by default, or a remote artifact store. */
export interface ArtifactSource {
  /** The ARTIFACT_STORE the server uses (recorded in the manifest). */
  store: ArtifactStoreName;
  /** For messages: a folder, a bucket, a database. */
  where: string;
  /** Writes the artifact named `<sha256>.<kind>` to `dest`. */
  copy(file: string, dest: string): Promise<void>;
}

export function folderSource(dir: string): ArtifactSource {
  return {
    store: 'fs',
    where: dir,
    copy: async (file, dest) => {
      const source = join(dir, file);
      if (!existsSync(source)) throw new Error(`artifact ${file} is referenced by the database but missing from ${dir}`);
      await copyFile(source, dest);
    },
  };
}

export interface BackupResult {
  dir: string;
  manifest: BackupManifest;
  copied: number;
  linked: number;
}

const COUNTS: Record<string, string> = {
  models: 'SELECT count(*) FROM models',
  versions: 'SELECT count(*) FROM model_versions',
  aliases: 'SELECT count(*) FROM aliases',
  events: 'SELECT count(*) FROM events',
  prediction_requests: 'SELECT count(*) FROM prediction_requests',
  predictions: 'SELECT coalesce(sum(rows), 0) FROM prediction_requests',
  outcomes: 'SELECT count(*) FROM outcomes',
};

function stamp(d: Date): string {
  return d.toISOString().replace(/:/g, '-').replace('.', '-');
}

/** Copies the database through the online backup API; returns the snapshot's referenced artifact files. */
async function snapshotDatabase(source: string, dest: string): Promise<{ files: string[]; counts: Record<string, number> }> {
  const db = new Database(source, { readonly: true, fileMustExist: true });
  try {
    db.pragma('busy_timeout = 5000');
    // After the first 100 pages, the rest in one step: a write by the server between steps restarts
    // the copy, and a single step reads everything inside one read transaction (one snapshot).
    await db.backup(dest, { progress: () => 1 << 30 });
  } finally {
    db.close();
  }
  const copy = new Database(dest);
  try {
    copy.pragma('journal_mode = DELETE'); // one self-contained file; the server turns WAL back on
    const integrity = copy.pragma('integrity_check', { simple: true });
    if (integrity !== 'ok') throw new Error(`the copied database fails integrity_check: ${String(integrity)}`);
    const counts = Object.fromEntries(Object.entries(COUNTS).map(([k, q]) => [k, copy.prepare(q).pluck().get() as number]));
    const onnx = copy.prepare('SELECT DISTINCT sha256 FROM model_versions').pluck().all() as string[];
    const json = copy.prepare("SELECT DISTINCT json_extract(reference, '$.sha256') FROM model_versions WHERE reference IS NOT NULL").pluck().all() as string[];
    return { files: [...onnx.map((s) => `${s}.onnx`), ...json.filter(Boolean).map((s) => `${s}.json`)], counts };
  } finally {
    copy.close();
  }
}

/** Earlier complete backups in the output folder that hold `file` (newest first). */
async function earlierCopies(outDir: string, file: string): Promise<string[]> {
  const dirs = (await readdir(outDir))
    .filter((d) => /^modeldock-.*Z$/.test(d))
    .sort()
    .reverse();
  return dirs.map((d) => join(outDir, d, 'artifacts', file)).filter((p) => existsSync(p));
}

/** Puts the artifact in the backup: hard-linked from an earlier backup when one verifies, else copied and verified. */
async function storeArtifact(source: ArtifactSource, outDir: string, dest: string, file: string): Promise<{ bytes: number; sha256: string; linked: boolean }> {
  const expected = file.slice(0, 64);
  for (const earlier of await earlierCopies(outDir, file)) {
    const check = await sha256File(earlier);
    if (check.sha256 !== expected) continue;
    try {
      await link(earlier, dest);
      return { ...check, linked: true };
    } catch {
      /* another filesystem: copy instead */
    }
  }
  await source.copy(file, dest);
  const check = await sha256File(dest);
  if (check.sha256 !== expected) throw new Error(`artifact ${file} is corrupt in ${source.where} (its content hashes to ${check.sha256})`);
  return { ...check, linked: false };
}

export async function createBackup(o: { dataDir: string; outDir: string; artifacts?: ArtifactSource }): Promise<BackupResult> {
  const started = new Date();
  const t0 = performance.now();
  const dataDir = resolve(o.dataDir);
  const outDir = resolve(o.outDir);
  const artifactSource = o.artifacts ?? folderSource(join(dataDir, 'artifacts'));
  const source = join(dataDir, DB_FILE);
  if (!existsSync(source)) throw new Error(`no database at ${source}: is DATA_DIR right?`);
  await mkdir(outDir, { recursive: true });
  const dir = join(outDir, `modeldock-${stamp(started)}`);
  const partial = `${dir}.partial`;
  await mkdir(join(partial, 'artifacts'), { recursive: true });
  try {
    const { files, counts } = await snapshotDatabase(source, join(partial, DB_FILE));
    const db = await sha256File(join(partial, DB_FILE));
    const artifacts: BackupManifest['artifacts'] = [];
    for (const file of files.sort()) {
      const stored = await storeArtifact(artifactSource, outDir, join(partial, 'artifacts', file), file);
      artifacts.push({ file, ...stored });
    }
    // The master key that encrypts webhook secrets goes with the database that holds them.
    let secretKey: BackupManifest['secret_key'];
    if (existsSync(join(dataDir, SECRET_KEY_FILE))) {
      await copyFile(join(dataDir, SECRET_KEY_FILE), join(partial, SECRET_KEY_FILE));
      await chmod(join(partial, SECRET_KEY_FILE), 0o600);
      secretKey = { file: SECRET_KEY_FILE, ...(await sha256File(join(partial, SECRET_KEY_FILE))) };
    }
    const manifest: BackupManifest = {
      format: 'modeldock-backup',
      version: 1,
      created_at: started.toISOString(),
      duration_ms: Math.round(performance.now() - t0),
      source_data_dir: dataDir,
      database: { file: DB_FILE, bytes: db.bytes, sha256: db.sha256, integrity: 'ok' },
      counts,
      artifacts,
      artifact_store: artifactSource.store,
      ...(secretKey ? { secret_key: secretKey } : {}),
    };
    await writeFile(join(partial, MANIFEST_FILE), JSON.stringify(manifest, null, 2) + '\n');
    await rename(partial, dir);
    const linked = artifacts.filter((a) => a.linked).length;
    return { dir, manifest, copied: artifacts.length - linked, linked };
  } catch (err) {
    await rm(partial, { recursive: true, force: true });
    throw err;
  }
}

/** A short digest of a manifest for the command line. */
export function describeBackup(r: BackupResult): string {
  const m = r.manifest;
  const c = m.counts;
  return [
    `backup written to ${r.dir} in ${m.duration_ms} ms`,
    `  database: ${(m.database.bytes / 1024 / 1024).toFixed(1)} MB, integrity ok, sha256 ${m.database.sha256.slice(0, 16)}…`,
    `  ${c.models} models, ${c.versions} versions, ${c.aliases} aliases, ${c.predictions} predictions in ${c.prediction_requests} requests, ${c.outcomes} outcomes`,
    `  artifacts: ${m.artifacts.length} (${r.copied} copied${m.artifact_store && m.artifact_store !== 'fs' ? ` from the ${m.artifact_store} store` : ''}, ${r.linked} hard-linked from an earlier backup), all verified by sha256`,
    ...(m.secret_key ? [`  ${SECRET_KEY_FILE}: copied (it decrypts the webhook secrets: keep the backup private)`] : []),
  ].join('\n');
}
