// Shadow deployments at serving time: once a production request is answered and logged, a copy of
// its decoded inputs goes to a bounded in-process queue, drained one request at a time after the
// answers of the current event-loop turn have gone out (setImmediate). Each shadow version scores
// the copy on its own session; its rows are logged with source "shadow" and the answered request's
// id as pair_id, never returned. Over the bound a copy is dropped and counted; a failure (a session
// that cannot load, an input the version cannot take) is counted and never reaches the client.
import type { Tensor } from 'onnxruntime-node';
import { env } from '../../env';
import { runtime, type ShadowCounters, type ShadowJob, type ShadowQueueState } from '../../runtime/runtime';
import { copyPrimaryOutcomes } from '../monitoring/ingest-outcomes';
import { logPredictions } from './log-request';
import { score } from './score';
import type { ServingPlan } from './serving-state';

export type { ShadowCounters };

const state = () => runtime().shadow;

function countersOf(q: ShadowQueueState, modelId: number): ShadowCounters {
  let c = q.counters.get(modelId);
  if (!c) {
    c = { queued: 0, dropped: 0, logged: 0, failed: 0, pending: 0, lastError: null };
    q.counters.set(modelId, c);
  }
  return c;
}

/** This process's shadow counters of a model. */
export function shadowCounters(modelId: number): ShadowCounters {
  return { ...countersOf(state(), modelId) };
}

/**
 * Copies an answered production request to its shadow versions (those other than the one that
 * served it). Synchronous and O(1): the decision to queue or drop is made here, the work later.
 */
export function enqueueShadow(
  shadows: ServingPlan[],
  served: ServingPlan,
  feeds: Record<string, Tensor>,
  rows: number,
  pairId: string,
  clientIds: string[] | null,
): void {
  const plans = shadows.filter((p) => p.versionId !== served.versionId);
  if (plans.length === 0) return;
  const q = state();
  const c = countersOf(q, served.modelId);
  // The bound counts every request not yet finished: waiting, and the one being scored.
  if (q.jobs.length + (q.running ? 1 : 0) >= env.SHADOW_QUEUE_SIZE) {
    c.dropped++;
    runtime().metrics.shadowDropped.inc({ model: served.modelName });
    return;
  }
  q.jobs.push({ plans, feeds, rows, pairId, clientIds });
  q.queuedTotal++;
  c.queued++;
  c.pending++;
  pump(q);
}

function pump(q: ShadowQueueState): void {
  if (q.running || q.jobs.length === 0) return;
  q.running = true;
  // After the current turn: the answer that queued this copy is written to its socket first.
  setImmediate(() => {
    const job = q.jobs.shift()!;
    // runJob catches each version's failure (counted); it never rejects.
    void runJob(q, job).finally(() => {
      q.running = false;
      q.finishedTotal++;
      settle(q);
      pump(q);
    });
  });
}

function settle(q: ShadowQueueState): void {
  if (q.waiters.length === 0) return;
  const ready = q.waiters.filter((w) => w.upTo <= q.finishedTotal);
  q.waiters = q.waiters.filter((w) => w.upTo > q.finishedTotal);
  for (const w of ready) w.resolve();
}

/**
 * Resolves once every copy queued before the call has been scored and its rows committed (or has
 * failed): what an erasure waits for, so that no copy of a client's request is logged after it.
 * Copies queued later do not hold it up (the queue is bounded, so the wait is too).
 */
export function shadowSettled(): Promise<void> {
  const q = state();
  const upTo = q.queuedTotal;
  if (q.finishedTotal >= upTo) return Promise.resolve();
  return new Promise((resolve) => q.waiters.push({ upTo, resolve }));
}

async function runJob(q: ShadowQueueState, job: ShadowJob): Promise<void> {
  const c = countersOf(q, job.plans[0].modelId);
  for (const plan of job.plans) {
    try {
      await scoreAndLog(plan, job);
      c.logged++;
    } catch (err) {
      c.failed++;
      c.lastError = `version ${plan.number}: ${String((err as Error)?.message ?? err).slice(0, 300)}`;
      runtime().metrics.shadowFailed.inc({ model: plan.modelName, version: String(plan.number) });
    }
  }
  c.pending--;
}

async function scoreAndLog(plan: ServingPlan, job: ShadowJob): Promise<void> {
  if (plan.archived) throw new Error('is archived');
  if ('error' in plan.outputs) throw new Error(plan.outputs.error);
  // Timed from the session lease on, as the answered request is (less its decoding, which the copy reuses).
  const started = performance.now();
  const { answers } = await score(plan, job.feeds, job.rows);
  const { requestId: id } = await logPredictions(plan, null, job.feeds, answers, job.clientIds, Math.round((performance.now() - started) * 1000), job.pairId);
  await copyPrimaryOutcomes(id, job.pairId);
}
