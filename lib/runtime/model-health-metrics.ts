// Model health on /metrics: gauges per model and serving version read from the stored retraining
// verdicts at scrape time (so they equal GET /api/v1/models/{name}/verdict, and a deleted model or a
// removed production alias drops its series), and the outcome ingest counter. Labels are registry
// names (model, its production version, the policy's metric) and closed sets (state, result).
import { Counter, Gauge, type Registry } from 'prom-client';
import { VERDICT_STATES, type VerdictState } from '../schemas/monitoring';

/** One model's verdict as the gauges read it (lib/server/monitoring/model-health.ts maps the stored verdict). */
export interface ModelHealth {
  model: string;
  version: number;
  state: VerdictState;
  needsRetraining: boolean;
  /** The policy's metric: the `metric` label of value, baseline and threshold. */
  metric: string;
  /** The policy metric in the latest judged window; null before any window had enough labels. */
  value: number | null;
  baseline: number | null;
  threshold: number | null;
  coverage: number | null;
  driftShare: number | null;
}

export const OUTCOME_RESULTS = ['accepted', 'updated', 'unknown', 'invalid'] as const;
export type OutcomeResult = (typeof OUTCOME_RESULTS)[number];

export interface ModelHealthMetrics {
  outcomes: Counter<'result'>;
  /** Points the gauges at the stored verdicts: `read(limit)` returns at most `limit` models (a promise on PostgreSQL; a scrape awaits it). */
  observe(read: (limit: number) => ModelHealth[] | Promise<ModelHealth[]>): void;
  /** Counts one outcomes request's results. */
  countOutcomes(counts: Record<OutcomeResult, number>): void;
}

const READ_TIMEOUT_MS = 500;

/** The gauges and the counter on the process's registry; at most `maxModels` models get series. */
export function createModelHealthMetrics(registry: Registry, maxModels: number): ModelHealthMetrics {
  const registers = [registry];
  let read: ((limit: number) => ModelHealth[] | Promise<ModelHealth[]>) | null = null;
  // One read per scrape: the first gauge (prom-client collects in registration order) reads, the
  // others reuse its rows; a gauge read on its own reads again unless those rows are under 1 s old.
  let taken: { at: number; rows: Promise<ModelHealth[]> } | null = null;
  // A read that fails or takes longer than READ_TIMEOUT_MS (the database in trouble) leaves the
  // last good rows: the rest of the scrape (process, HTTP, log) must still answer then.
  let lastGood: ModelHealth[] = [];
  const rows = (fresh: boolean): Promise<ModelHealth[]> => {
    if (!read) return Promise.resolve([]);
    const now = performance.now();
    if (fresh || !taken || now - taken.at > 1000) {
      const from = read;
      const reading = Promise.resolve()
        .then(() => from(maxModels))
        .then((r) => (lastGood = r.slice(0, maxModels)));
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<ModelHealth[]>((resolve) => {
        timer = setTimeout(() => resolve(lastGood), READ_TIMEOUT_MS);
        timer.unref();
      });
      taken = {
        at: now,
        rows: Promise.race([reading, late])
          .catch((err: unknown) => {
            console.error('[modeldock] /metrics could not read the stored verdicts', err);
            return lastGood;
          })
          .finally(() => clearTimeout(timer)),
      };
    }
    return taken.rows;
  };
  let first = true;
  const gauge = <L extends string>(name: string, help: string, labelNames: L[], fill: (g: Gauge<L>, h: ModelHealth) => void) => {
    const fresh = first;
    first = false;
    return new Gauge<L>({
      name,
      help,
      labelNames,
      registers,
      async collect() {
        const health = await rows(fresh);
        this.reset();
        for (const h of health) fill(this, h);
      },
    });
  };
  const ids = (h: ModelHealth) => ({ model: h.model, version: String(h.version) });
  const setIf = <L extends string>(g: Gauge<L>, labels: Partial<Record<L, string>>, v: number | null) => {
    if (v !== null) g.set(labels, v);
  };

  gauge(
    'modeldock_model_needs_retraining',
    "1 when the model's production version is flagged for retraining (the stored verdict)",
    ['model', 'version'],
    (g, h) => g.set(ids(h), h.needsRetraining ? 1 : 0),
  );
  gauge('modeldock_model_state', `The verdict's state, one-hot (${VERDICT_STATES.join('|')})`, ['model', 'version', 'state'], (g, h) => {
    for (const state of VERDICT_STATES) g.set({ ...ids(h), state }, h.state === state ? 1 : 0);
  });
  gauge(
    'modeldock_model_metric',
    "The policy's metric in the verdict's latest judged window (absent before one had enough labels)",
    ['model', 'version', 'metric'],
    (g, h) => setIf(g, { ...ids(h), metric: h.metric }, h.value),
  );
  gauge('modeldock_model_baseline', "The policy metric's baseline (offline metric, else the first labeled window)", ['model', 'version', 'metric'], (g, h) =>
    setIf(g, { ...ids(h), metric: h.metric }, h.baseline),
  );
  gauge('modeldock_model_threshold', 'Where a window of the policy metric counts as bad (baseline and tolerance)', ['model', 'version', 'metric'], (g, h) =>
    setIf(g, { ...ids(h), metric: h.metric }, h.threshold),
  );
  gauge('modeldock_model_labeled_coverage', "Share of the verdict windows' predictions that have an outcome", ['model', 'version'], (g, h) =>
    setIf(g, ids(h), h.coverage),
  );
  gauge('modeldock_model_drift_share', "Share of features drifted in the verdict's latest window", ['model', 'version'], (g, h) =>
    setIf(g, ids(h), h.driftShare),
  );

  const outcomes = new Counter({
    name: 'modeldock_outcomes_total',
    help: 'Outcomes received (POST /api/v1/outcomes and imports with actuals), by result (accepted|updated|unknown|invalid)',
    labelNames: ['result'],
    registers,
  });
  for (const result of OUTCOME_RESULTS) outcomes.inc({ result }, 0);

  return {
    outcomes,
    observe(r) {
      read = r;
      taken = null;
    },
    countOutcomes(counts) {
      for (const result of OUTCOME_RESULTS) if (counts[result] > 0) outcomes.inc({ result }, counts[result]);
    },
  };
}
