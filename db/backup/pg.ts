// Backup and restore in PostgreSQL mode: the engine's own tools. `pg_dump --format=custom` takes one
// consistent snapshot while the replicas keep serving (it runs in a REPEATABLE READ transaction), the
// dump is hashed into the same manifest as SQLite's backups, and verified the same way before a
// restore: every file against its sha256, the dump against `pg_restore --list` (it parses the whole
// table of contents). With ARTIFACT_STORE=pg the model files are rows of the database, in the dump.
// A restore refuses while a Modeldock replica is connected to the target (application_name
// 'modeldock'), and refuses a target that already holds Modeldock's tables unless forced; it runs
// `pg_restore --single-transaction`, so a failed restore leaves the target as it was, then checks
// the restored counts against the manifest.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import pg from 'pg';
import { MANIFEST_FILE, PG_DUMP_FILE, pgManifestSchema, sha256File, type PgBackupManifest } from './manifest';
import { RestoreRefused } from './restore';

const PG_BIN = process.env.PG_BIN ?? '/usr/lib/postgresql/15/bin';

const COUNTS: Record<string, string> = {
  models: 'SELECT count(*)::int AS n FROM models',
  versions: 'SELECT count(*)::int AS n FROM model_versions',
  aliases: 'SELECT count(*)::int AS n FROM aliases',
  events: 'SELECT count(*)::int AS n FROM events',
  prediction_requests: 'SELECT count(*)::int AS n FROM prediction_requests',
  predictions: 'SELECT coalesce(sum(rows), 0)::int AS n FROM prediction_requests',
  outcomes: 'SELECT count(*)::int AS n FROM outcomes',
  artifacts: 'SELECT count(*)::int AS n FROM artifacts',
};

function tool(name: string): string {
  const local = join(PG_BIN, name);
  return existsSync(local) ? local : name;
}

function run(cmd: string, args: string[]): Promise<string> {
  return new Promise((res, rej) =>
    execFile(tool(cmd), args, { encoding: 'utf8', maxBuffer: 64 << 20 }, (err, stdout, stderr) =>
      err ? rej(new Error(`${cmd} failed: ${stderr.trim() || err.message}`)) : res(stdout),
    ),
  );
}

async function countIn(client: pg.Client): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const [k, q] of Object.entries(COUNTS)) out[k] = (await client.query<{ n: number }>(q)).rows[0].n;
  return out;
}

async function counts(url: string): Promise<Record<string, number>> {
  const client = new pg.Client({ connectionString: url, application_name: 'modeldock-backup' });
  await client.connect();
  try {
    return await countIn(client);
  } finally {
    await client.end();
  }
}

function stamp(d: Date): string {
  return d.toISOString().replace(/:/g, '-').replace('.', '-');
}

/** A safe description of a database URL for the manifest (no password). */
function describeUrl(url: string): string {
  const u = new URL(url);
  u.password = '';
  return u.toString();
}

export async function createPgBackup(o: { url: string; outDir: string }): Promise<{ dir: string; manifest: PgBackupManifest }> {
  const started = new Date();
  const t0 = performance.now();
  const outDir = resolve(o.outDir);
  await mkdir(outDir, { recursive: true });
  const dir = join(outDir, `modeldock-${stamp(started)}`);
  const partial = `${dir}.partial`;
  await mkdir(partial, { recursive: true });
  // The counts and the dump read one snapshot: this transaction exports it, pg_dump adopts it.
  const snap = new pg.Client({ connectionString: o.url, application_name: 'modeldock-backup' });
  await snap.connect();
  try {
    await snap.query('BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY');
    const snapshot = (await snap.query<{ id: string }>('SELECT pg_export_snapshot() AS id')).rows[0].id;
    const dumped = await countIn(snap);
    const file = join(partial, PG_DUMP_FILE);
    await run('pg_dump', ['--format=custom', '--no-owner', `--snapshot=${snapshot}`, '--file', file, o.url]);
    await snap.query('COMMIT');
    await run('pg_restore', ['--list', file]);
    const hashed = await sha256File(file);
    const manifest: PgBackupManifest = {
      format: 'modeldock-backup',
      version: 1,
      engine: 'postgresql',
      created_at: started.toISOString(),
      duration_ms: Math.round(performance.now() - t0),
      source_database: describeUrl(o.url),
      database: { file: PG_DUMP_FILE, bytes: hashed.bytes, sha256: hashed.sha256, integrity: 'ok' },
      counts: dumped,
    };
    await writeFile(join(partial, MANIFEST_FILE), JSON.stringify(manifest, null, 2) + '\n');
    await rename(partial, dir);
    return { dir, manifest };
  } catch (err) {
    await rm(partial, { recursive: true, force: true });
    throw err;
  } finally {
    await snap.end();
  }
}

async function readPgManifest(backupDir: string): Promise<PgBackupManifest> {
  const path = join(backupDir, MANIFEST_FILE);
  if (!existsSync(path)) throw new RestoreRefused(`${backupDir} is not a Modeldock backup (no ${MANIFEST_FILE})`);
  const parsed = pgManifestSchema.safeParse(JSON.parse(await readFile(path, 'utf8')));
  if (!parsed.success) throw new RestoreRefused(`${path} is not a PostgreSQL backup manifest: ${parsed.error.issues[0]?.message}`);
  return parsed.data;
}

export async function restorePgBackup(o: {
  backupDir: string;
  url: string;
  force: boolean;
}): Promise<{ manifest: PgBackupManifest; counts: Record<string, number> }> {
  const backupDir = resolve(o.backupDir);
  const manifest = await readPgManifest(backupDir);
  const file = join(backupDir, manifest.database.file);
  if (!existsSync(file)) throw new RestoreRefused(`the backup is incomplete: ${file} is missing`);
  const actual = await sha256File(file);
  if (actual.sha256 !== manifest.database.sha256 || actual.bytes !== manifest.database.bytes)
    throw new RestoreRefused(`the backup is damaged: ${file} does not match its sha256 in the manifest`);
  await run('pg_restore', ['--list', file]).catch((err: Error) => {
    throw new RestoreRefused(`the backup's dump does not read back: ${err.message}`);
  });

  const client = new pg.Client({ connectionString: o.url, application_name: 'modeldock-restore' });
  await client.connect();
  try {
    const replicas = (
      await client.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'modeldock'")
    ).rows[0].n;
    if (replicas > 0)
      throw new RestoreRefused(`${replicas} Modeldock connection(s) are open on the target database; stop the replicas first (--force does not override this)`);
    const existing = (await client.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'public' AND tablename = 'models'"))
      .rows[0].n;
    if (existing > 0 && !o.force) throw new RestoreRefused('the target database already holds Modeldock tables; pass --force to replace them');
    if (existing > 0) {
      // Replace: the old schema goes inside the same transaction as the restore (pg_restore below runs in one).
      await client.query('DROP SCHEMA public CASCADE; DROP SCHEMA IF EXISTS drizzle CASCADE; CREATE SCHEMA public');
    }
  } finally {
    await client.end();
  }
  await run('pg_restore', ['--single-transaction', '--exit-on-error', '--no-owner', '--dbname', o.url, file]);
  const restored = await counts(o.url);
  for (const [k, n] of Object.entries(manifest.counts)) {
    if (restored[k] !== n) throw new Error(`the restored database holds ${restored[k]} ${k}, the backup counted ${n}`);
  }
  return { manifest, counts: restored };
}
