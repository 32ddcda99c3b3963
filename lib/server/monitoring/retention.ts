// Retention of the raw prediction log: rows older than a model's retention (its policy's
// `retention_days`, else RETENTION_DAYS) are deleted off the request path, in the rollup worker,
// a small transaction at a time; the hourly rollups are kept, so every chart and the verdict read
// exactly what they read before (they never read the raw log). Only rows the rollup has folded are
// deleted, and never the log's last row (deletableLogRowid, db/queries/rollups.ts). An outcome, or a GET, for a pruned prediction then says
// "expired": a prediction id carries its time (a ULID), so one older than the cutoff is known gone.
import type { Db } from '../../../db/client';
import { requestTime } from '../../../db/queries/predictions';
import { deletableLogRowid } from '../../../db/queries/rollups';
import { deleteRequests, expiredRequests, incrementalVacuum, pageFigures, retentionTargets, saveSweep, type SweepRecord } from '../../../db/queries/retention';
import { DAY_MS } from '../../metrics/buckets';
import { retentionDays } from '../../schemas/monitoring';

/**
 * Requests deleted per transaction. Measured on 1 M logged requests (scripts/bench/retention.ts):
 * ~10 ms of write lock a batch on average, 46 ms at worst — what a serving commit may wait; ~96 000
 * rows/s. The vacuum's 4 MB steps held it 49 ms at worst.
 */
export const PRUNE_BATCH = 1_000;
/** Pages given back to the disk per step of the incremental vacuum (4 MB of 4 KB pages). */
export const VACUUM_STEP_PAGES = 1_024;

/** Each model's cutoff (ms): predictions before it are past retention; models kept forever are absent. */
export function retentionCutoffs(db: Db, globalDays: number | null, now: number): Map<number, number> {
  const out = new Map<number, number>();
  for (const m of retentionTargets(db).models) {
    const days = retentionDays(m.policy, globalDays);
    if (days !== null) out.set(m.id, now - days * DAY_MS);
  }
  return out;
}

/**
 * Tells whether a prediction the log does not hold was pruned: its time is before the cutoff of its
 * model (when the caller knows the model) or, not knowing it, of any model with a retention in force.
 * The models' policies are read once, on first use.
 */
export class Expiry {
  private days: Map<number, number> | null = null;

  /** `models`: every model's stored policy, read on first use (retentionTargets(db).models, or a store's). */
  constructor(
    private readonly models: () => { id: number; policy: Record<string, unknown> | null }[],
    private readonly globalDays: number | null,
    private readonly now = Date.now(),
  ) {}

  /** The retention (days) that expired a prediction made at `ts`, or null when none did. */
  at(ts: number, modelId: number | null): number | null {
    this.days ??= new Map(
      this.models().flatMap((m) => {
        const d = retentionDays(m.policy, this.globalDays);
        return d === null ? [] : [[m.id, d] as [number, number]];
      }),
    );
    let found: number | null = null;
    for (const [id, d] of this.days) {
      if (modelId !== null && id !== modelId) continue;
      if (ts < this.now - d * DAY_MS && (found === null || d < found)) found = d;
    }
    return found;
  }

  /** The same for a prediction (or request) id, by the time it carries. */
  ofId(id: string, modelId: number | null): number | null {
    const t = requestTime(id);
    return t === null ? null : this.at(t, modelId);
  }
}

export interface PruneStep {
  /** Requests and predicted rows deleted by this step (0: nothing left to prune). */
  requests: number;
  rows: number;
}

/** Deletes one batch of expired requests (the first version that has any); 0 when none is left. */
export function pruneStep(db: Db, globalDays: number | null, now = Date.now(), batch = PRUNE_BATCH): PruneStep {
  const cutoffs = retentionCutoffs(db, globalDays, now);
  if (cutoffs.size === 0) return { requests: 0, rows: 0 };
  const bound = deletableLogRowid(db);
  if (bound <= 0) return { requests: 0, rows: 0 };
  for (const v of retentionTargets(db).versions) {
    const cutoff = cutoffs.get(v.model_id);
    if (cutoff === undefined) continue;
    const expired = expiredRequests(db, v.id, cutoff, bound, batch);
    if (expired.length === 0) continue;
    return { requests: expired.length, rows: deleteRequests(db, expired) };
  }
  return { requests: 0, rows: 0 };
}

/** One step of giving freed pages back to the disk; the bytes freed (0: nothing left, or not in incremental mode). */
export function vacuumStep(db: Db, pages = VACUUM_STEP_PAGES): number {
  const p = pageFigures(db);
  if (p.autoVacuum !== 'incremental' || p.freePages === 0) return 0;
  return incrementalVacuum(db, pages) * p.pageSize;
}

/**
 * A sweep in steps: the worker calls `step()` until it answers false, yielding between calls so
 * the serving thread's commits get the write lock between two batches. The sweep is recorded
 * (storage panel) when it deleted anything.
 */
export class RetentionSweep {
  private started = Date.now();
  private pruned: PruneStep = { requests: 0, rows: 0 };
  private freed = 0;
  private phase: 'prune' | 'vacuum' | 'done' = 'prune';

  constructor(
    private readonly db: Db,
    private readonly globalDays: number | null,
    private readonly now = Date.now(),
  ) {}

  /** Does one step; false once the sweep is over. */
  step(): boolean {
    if (this.phase === 'prune') {
      const s = pruneStep(this.db, this.globalDays, this.now);
      if (s.requests > 0) {
        this.pruned.requests += s.requests;
        this.pruned.rows += s.rows;
        return true;
      }
      this.phase = 'vacuum';
    }
    if (this.phase === 'vacuum') {
      const freed = this.pruned.requests > 0 ? vacuumStep(this.db) : 0;
      if (freed > 0) {
        this.freed += freed;
        return true;
      }
      this.phase = 'done';
      if (this.pruned.requests > 0) saveSweep(this.db, this.record());
    }
    return false;
  }

  record(): SweepRecord {
    return { at: Date.now(), requests: this.pruned.requests, rows: this.pruned.rows, ms: Date.now() - this.started, freedBytes: this.freed };
  }
}
