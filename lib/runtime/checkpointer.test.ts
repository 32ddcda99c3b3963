// The checkpointer keeps the WAL bounded under writes that never pause (PASSIVE checkpoints from the
// worker alone never let it start over), and leaves no WAL behind when stopped.
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../db/client';
import { startCheckpointer } from './checkpointer';

const MB = 1024 * 1024;
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const walSize = (path: string) => (existsSync(`${path}-wal`) ? statSync(`${path}-wal`).size : 0);

/**
 * A commit every millisecond or so for `ms` (like the log writer under load: one transaction per
 * event-loop turn) with the checkpointer running; returns the WAL's largest size.
 */
async function steadyWrites(restartFrames: number, ms: number): Promise<{ commits: number; maxWal: number; walAfterStop: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'modeldock-ckpt-'));
  dirs.push(dir);
  const handle = openDatabase(dir);
  const sqlite = handle.db.$client;
  sqlite.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, payload BLOB)');
  const checkpointer = startCheckpointer(handle, 100, restartFrames);
  const insert = sqlite.prepare('INSERT INTO t (payload) VALUES (?)');
  const payload = Buffer.alloc(3000, 7);
  const end = performance.now() + ms;
  let commits = 0;
  let maxWal = 0;
  while (performance.now() < end) {
    sqlite.transaction(() => {
      insert.run(payload);
      insert.run(payload);
    })();
    if (++commits % 20 === 0) maxWal = Math.max(maxWal, walSize(sqlite.name));
    await new Promise((r) => setTimeout(r, 1));
  }
  await checkpointer.stop();
  sqlite.close();
  return { commits, maxWal, walAfterStop: walSize(join(dir, 'modeldock.sqlite')) };
}

describe('startCheckpointer', () => {
  it('keeps the WAL small under steady writes, where checkpoints from the worker alone let it grow', async () => {
    const unbounded = await steadyWrites(Number.MAX_SAFE_INTEGER, 2_000);
    const bounded = await steadyWrites(256, 2_000); // 256 frames ≈ 1 MB of 4 KB pages
    // Measured: ~27 MB against ~2 MB over ~1 600 commits of ~16 KB of WAL each.
    expect(bounded.maxWal, `with catch-up checkpoints over ${bounded.commits} commits`).toBeLessThan(6 * MB);
    expect(unbounded.maxWal, `worker-only checkpoints over ${unbounded.commits} commits`).toBeGreaterThan(4 * bounded.maxWal);
    expect(bounded.walAfterStop).toBe(0);
  });
});
