// Which process serves a data folder: the server writes DATA_DIR/modeldock.pid while it runs (removed
// on a clean stop; a crash leaves it behind, so readers check the process is still alive), and tools
// that must not run next to a server (restore) also look for any process holding the database open.
import { readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { dbPath } from './client';

export interface InstanceInfo {
  pid: number;
  port: number;
  hostname: string;
  started_at: string;
}

export function instancePath(dataDir: string): string {
  return join(dataDir, 'modeldock.pid');
}

export function writeInstance(dataDir: string, info: Omit<InstanceInfo, 'pid' | 'started_at'>): void {
  const body: InstanceInfo = { pid: process.pid, ...info, started_at: new Date().toISOString() };
  writeFileSync(instancePath(dataDir), JSON.stringify(body) + '\n');
}

/** Removes the file if it is still ours (a second server on the same folder may have replaced it). */
export function removeInstance(dataDir: string): void {
  try {
    const info = JSON.parse(readFileSync(instancePath(dataDir), 'utf8')) as InstanceInfo;
    if (info.pid === process.pid) rmSync(instancePath(dataDir), { force: true });
  } catch {
    /* absent or unreadable: nothing of ours */
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The processes using the folder's database: the pid file's server if alive, and (on Linux) any process with the file open. */
export function databaseHolders(dataDir: string): number[] {
  const holders = new Set<number>();
  try {
    const info = JSON.parse(readFileSync(instancePath(dataDir), 'utf8')) as InstanceInfo;
    if (Number.isInteger(info.pid) && info.pid !== process.pid && alive(info.pid)) holders.add(info.pid);
  } catch {
    /* no server recorded */
  }
  const db = resolve(dbPath(dataDir));
  let procs: string[] = [];
  try {
    procs = readdirSync('/proc').filter((p) => /^\d+$/.test(p) && Number(p) !== process.pid);
  } catch {
    /* not Linux */
  }
  for (const pid of procs) {
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      let target: string;
      try {
        target = readlinkSync(`/proc/${pid}/fd/${fd}`);
      } catch {
        continue;
      }
      if (target === db || target === `${db}-wal`) {
        holders.add(Number(pid));
        break;
      }
    }
  }
  return [...holders];
}
