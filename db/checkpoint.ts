// WAL checkpoints (see lib/runtime/checkpointer.ts for why they run off the request path): the
// serving connection stops checkpointing on commit and runs a PASSIVE pass when asked; the
// checkpointer's own connection runs them every 100 ms (lib/runtime/checkpointer.ts).
import Database from 'better-sqlite3';
import type { Db } from './client';

export type CheckpointMode = 'PASSIVE' | 'TRUNCATE';
export interface CheckpointResult {
  busy: number;
  log: number;
  checkpointed: number;
}

/** The serving connection: no automatic checkpoint inside commits (they stall the request that crosses 1000 pages). */
export function disableAutoCheckpoint(db: Db): void {
  db.$client.pragma('wal_autocheckpoint = 0');
}

/** One checkpoint on this connection; null when the database was busy or closed. */
export function checkpoint(db: Db, mode: CheckpointMode): CheckpointResult | null {
  if (!db.$client.open) return null;
  try {
    return (db.$client.pragma(`wal_checkpoint(${mode})`) as CheckpointResult[])[0];
  } catch {
    return null;
  }
}

/** A connection of its own for a checkpointer thread. */
export function openCheckpointConnection(path: string): { checkpoint(mode: CheckpointMode): CheckpointResult | null; close(): void } {
  const sqlite = new Database(path);
  sqlite.pragma('busy_timeout = 5000');
  return {
    checkpoint: (mode) => {
      try {
        return (sqlite.pragma(`wal_checkpoint(${mode})`) as CheckpointResult[])[0];
      } catch {
        return null;
      }
    },
    close: () => sqlite.close(),
  };
}
