// A throwaway PostgreSQL cluster for tests and benchmarks: Debian's PostgreSQL 15 binaries, initdb
// into a new temporary directory, listening on 127.0.0.1 on a free private port (and a Unix socket
// inside the directory), trust authentication, fsync on (the durability tests kill it). initdb
// refuses root, so under root the cluster runs as the `postgres` user Debian's package creates.
// `npx tsx scripts/pg/cluster.ts` starts one and prints its URL until interrupted.
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const PG_BIN = process.env.PG_BIN ?? '/usr/lib/postgresql/15/bin';

/** A free TCP port on 127.0.0.1 (the kernel's choice; closed again before the cluster takes it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

interface PgUser {
  name: string;
  uid: number;
  gid: number;
}

function pgUser(): PgUser | null {
  if (process.getuid?.() !== 0) return null;
  const r = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error("running as root needs the `postgres` user of Debian's postgresql package (bash scripts/ensure-postgres.sh)");
  const gid = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
  return { name: 'postgres', uid: Number(r.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

function run(user: PgUser | null, cmd: string, args: string[]): string {
  const full: [string, string[]] = user ? ['runuser', ['-u', user.name, '--', cmd, ...args]] : [cmd, args];
  return execFileSync(full[0] as string, full[1] as string[], { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
}

/** The same, without blocking the event loop (a test keeps serving while the server restarts). */
function runAsync(user: PgUser | null, cmd: string, args: string[]): Promise<string> {
  const full: [string, string[]] = user ? ['runuser', ['-u', user.name, '--', cmd, ...args]] : [cmd, args];
  return new Promise((resolve, reject) => execFile(full[0], full[1], { encoding: 'utf8' }, (err, out) => (err ? reject(err) : resolve(out))));
}

export interface Cluster {
  url: string;
  port: number;
  dir: string;
  log: string;
  pgCtl(args: string[]): string;
  stop(mode?: string, options?: { keep?: boolean }): void;
  restart(mode?: string): void;
  restartAsync(mode?: string, downMs?: number): Promise<void>;
}

/**
 * Starts a cluster. Returns { url, port, dir, stop(mode), restart(), pgCtl(args) }: `stop` removes
 * the directory unless `keep`; `restart` is a stop in the given mode (fast by default) and a start
 * on the same port and data.
 */
export async function startCluster({ port, settings = {} }: { port?: number; settings?: Record<string, string> } = {}): Promise<Cluster> {
  for (const b of ['initdb', 'pg_ctl']) {
    if (!existsSync(join(PG_BIN, b))) throw new Error(`${join(PG_BIN, b)} is missing: run bash scripts/ensure-postgres.sh`);
  }
  const user = pgUser();
  const dir = mkdtempSync(join(process.env.PG_TMPDIR ?? tmpdir(), 'modeldock-pg-'));
  chmodSync(dir, 0o700);
  if (user) chownSync(dir, user.uid, user.gid);
  const data = join(dir, 'data');
  run(user, join(PG_BIN, 'initdb'), ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C.UTF-8', '--no-instructions']);
  const p = port ?? (await freePort());
  const conf = {
    listen_addresses: "'127.0.0.1'",
    port: String(p),
    unix_socket_directories: `'${dir}'`,
    max_connections: '200',
    shared_buffers: "'128MB'",
    fsync: 'on',
    synchronous_commit: 'on',
    log_min_messages: 'warning',
    ...settings,
  };
  const confFile = join(data, 'postgresql.auto.conf');
  writeFileSync(
    confFile,
    Object.entries(conf)
      .map(([k, v]) => `${k} = ${v}`)
      .join('\n') + '\n',
  );
  if (user) chownSync(confFile, user.uid, user.gid);
  const log = join(dir, 'server.log');
  const pgCtl = (args: string[]) => run(user, join(PG_BIN, 'pg_ctl'), ['-D', data, ...args]);
  const start = () => pgCtl(['-l', log, '-w', '-t', '60', 'start']);
  start();
  let stopped = false;
  const url = `postgres://postgres@127.0.0.1:${p}/postgres`;
  return {
    url,
    port: p,
    dir,
    log,
    pgCtl,
    /** fast: disconnects clients, clean shutdown; immediate: like a crash (recovery on next start). */
    stop(mode = 'fast', { keep = false } = {}) {
      if (!stopped) {
        try {
          pgCtl(['-m', mode, '-w', 'stop']);
        } catch {
          /* already down */
        }
        stopped = true;
      }
      if (!keep) rmSync(dir, { recursive: true, force: true });
    },
    restart(mode = 'fast') {
      pgCtl(['-m', mode, '-w', 'stop']);
      start();
    },
    /** Stops the server (fast: clean; immediate: like a crash), waits `downMs`, starts it again; the event loop keeps running. */
    async restartAsync(mode = 'fast', downMs = 0) {
      const ctl = (args: string[]) => runAsync(user, join(PG_BIN, 'pg_ctl'), ['-D', data, ...args]);
      await ctl(['-m', mode, '-w', 'stop']);
      await new Promise((r) => setTimeout(r, downMs));
      await ctl(['-l', log, '-w', '-t', '60', 'start']);
    },
  };
}

if (require.main === module) {
  // No top-level await: test runners that require() this module (Playwright) refuse one.
  startCluster().then((cluster) => {
    console.log(cluster.url);
    const end = () => {
      cluster.stop();
      process.exit(0);
    };
    process.on('SIGINT', end);
    process.on('SIGTERM', end);
    setInterval(() => {}, 1 << 30);
  });
}
