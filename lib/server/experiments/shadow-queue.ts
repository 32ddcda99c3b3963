// Shadow deployments at serving time: once a production request is answered and logged, a copy of
// its decoded inputs goes to a bounded in-process queue, drained one request at a time after the
// answers of the current event-loop turn have gone out (setImmediate). Each shadow version scores
// the copy on its own session; its rows are logged with source "shadow" and the answered request's
// id as pair_id, never returned. Over the bound a copy is dropped and counted; a failure (a session
// that cannot load, an input the version cannot take) is counted and never reaches the client.
import type { Tensor } from 'onnxruntime-node';
import { interpretOutputs, type OutputPlan } from '../../../inference/outputs';
import { env } from '../../env';
import { metrics } from '../metrics';
import { copyPrimaryOutcomes } from '../monitoring/outcomes';
import { logPredictions } from '../predictions/log-request';
import { runSession } from '../predictions/run';
import { serving, type ServingPlan } from '../predictions/serving-state';

interface Job {
  plans: ServingPlan[];
  feeds: Record<string, Tensor>;
  rows: number;
  pairId: string;
  clientIds: string[] | null;
}

export interface ShadowCounters { queued: number; dropped: number; logged: number; failed: number; pending: number; lastError: string | null }

interface QueueState {
  jobs: Job[];
  running: boolean;
  /** By model id, since this process started. */
  counters: Map<number, ShadowCounters>;
}

const KEY = Symbol.for('modeldock.shadow-queue');
type Holder = { [KEY]?: QueueState };

function state(): QueueState {
  const holder = globalThis as Holder;
  return (holder[KEY] ??= { jobs: [], running: false, counters: new Map() });
}

function countersOf(q: QueueState, modelId: number): ShadowCounters {
  let c = q.counters.get(modelId);
  if (!c) { c = { queued: 0, dropped: 0, logged: 0, failed: 0, pending: 0, lastError: null }; q.counters.set(modelId, c); }
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
  shadows: ServingPlan[], served: ServingPlan, feeds: Record<string, Tensor>, rows: number, pairId: string, clientIds: string[] | null,
): void {
  const plans = shadows.filter((p) => p.versionId !== served.versionId);
  if (plans.length === 0) return;
  const q = state();
  const c = countersOf(q, served.modelId);
  // The bound counts every request not yet finished: waiting, and the one being scored.
  if (q.jobs.length + (q.running ? 1 : 0) >= env.SHADOW_QUEUE_SIZE) {
    c.dropped++;
    metrics().shadowDropped.inc({ model: served.modelName });
    return;
  }
  q.jobs.push({ plans, feeds, rows, pairId, clientIds });
  c.queued++;
  c.pending++;
  pump(q);
}

function pump(q: QueueState): void {
  if (q.running || q.jobs.length === 0) return;
  q.running = true;
  // After the current turn: the answer that queued this copy is written to its socket first.
  setImmediate(() => {
    const job = q.jobs.shift()!;
    runJob(q, job).finally(() => {
      q.running = false;
      pump(q);
    });
  });
}

async function runJob(q: QueueState, job: Job): Promise<void> {
  const c = countersOf(q, job.plans[0].modelId);
  for (const plan of job.plans) {
    try {
      await scoreAndLog(plan, job);
      c.logged++;
    } catch (err) {
      c.failed++;
      c.lastError = `version ${plan.number}: ${String((err as Error)?.message ?? err).slice(0, 300)}`;
      metrics().shadowFailed.inc({ model: plan.modelName, version: String(plan.number) });
    }
  }
  c.pending--;
}

async function scoreAndLog(plan: ServingPlan, job: Job): Promise<void> {
  if (plan.archived) throw new Error('is archived');
  if ('error' in plan.outputs) throw new Error(plan.outputs.error);
  const outputs = plan.outputs as OutputPlan;
  const { sessions } = serving();
  // Timed from the session lease on, as the answered request is (less its decoding, which the copy reuses).
  const started = performance.now();
  const lease = sessions.tryAcquire(plan.sha256) ?? (await sessions.acquire(plan.sha256));
  let results: Record<string, Tensor>;
  try {
    results = await runSession(plan, lease.session, job.feeds, job.rows, outputs.fetch);
  } finally {
    lease.release();
  }
  const answers = interpretOutputs(outputs, results, job.rows, { labels: plan.labels, classValues: plan.signature.class_labels ?? null, output: plan.output });
  const { requestId: id } = await logPredictions(plan, null, job.feeds, answers, job.clientIds, Math.round((performance.now() - started) * 1000), job.pairId);
  copyPrimaryOutcomes(id, job.pairId);
}

