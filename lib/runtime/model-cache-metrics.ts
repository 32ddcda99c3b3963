// The model cache on /metrics: loads, evictions and load time as they happen; budget, resident and
// serving-set bytes and the "serving set does not fit" gauge read from the cache at scrape time.
// Labels are closed sets (result, serving): per-version figures are in GET /api/v1/runtime.
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { CacheSnapshot, SessionCache, SessionCacheOptions } from '../../inference/session-cache';

export interface ModelCacheMetrics {
  loads: Counter<'result'>;
  evictions: Counter<'serving'>;
  loadSeconds: Histogram;
  /** Points the scrape-time gauges at the process's cache. */
  observe(cache: SessionCache): void;
}

/** The model cache's metrics on the process's registry (ServingMetrics creates them once). */
export function createModelCacheMetrics(registry: Registry): ModelCacheMetrics {
  const registers = [registry];
  let cache: SessionCache | null = null;
  // One snapshot per scrape, shared by the gauges below (each collect() runs in the same scrape).
  let taken: { at: number; snap: CacheSnapshot } | null = null;
  const snap = (): CacheSnapshot | null => {
    if (!cache) return null;
    const now = performance.now();
    if (!taken || now - taken.at > 100) taken = { at: now, snap: cache.snapshot() };
    return taken.snap;
  };
  const gauge = (name: string, help: string, read: (s: CacheSnapshot) => number) =>
    new Gauge({
      name,
      help,
      registers,
      collect() {
        const s = snap();
        if (s) this.set(read(s));
      },
    });
  gauge('modeldock_model_cache_budget_bytes', "Memory the loaded sessions may hold (MODEL_CACHE_MB, or a share of the machine's memory)", (s) => s.budgetBytes);
  gauge('modeldock_model_cache_resident_bytes', 'Memory held by the loaded sessions, as measured when each loaded', (s) => s.residentBytes);
  gauge('modeldock_model_cache_sessions', 'Sessions loaded now', (s) => s.resident.length);
  gauge('modeldock_model_cache_serving_set_bytes', 'Memory the production, split and shadow versions need (those measured so far)', (s) => s.fit.servingBytes);
  gauge(
    'modeldock_model_cache_serving_set_does_not_fit',
    '1 when the production, split and shadow versions need more than the budget (they are then evicted and loaded again)',
    (s) => (s.fit.fits ? 0 : 1),
  );
  const m: ModelCacheMetrics = {
    loads: new Counter({ name: 'modeldock_model_cache_loads_total', help: 'Session loads, by result (ok|failed)', labelNames: ['result'], registers }),
    evictions: new Counter({
      name: 'modeldock_model_cache_evictions_total',
      help: 'Sessions evicted to stay within the budget, by whether the version was in the serving set',
      labelNames: ['serving'],
      registers,
    }),
    loadSeconds: new Histogram({
      name: 'modeldock_model_cache_load_seconds',
      help: 'Session creation time (on the main thread in onnxruntime-node)',
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
    observe(c) {
      cache = c;
      taken = null;
    },
  };
  return m;
}

/** The cache's observers that count loads, failed loads, load time and evictions on the metrics above. */
export function metricObservers(m: ModelCacheMetrics): Pick<SessionCacheOptions, 'onLoad' | 'onLoadFailed' | 'onEvict'> {
  return {
    onLoad: (_key, loaded) => {
      m.loads.inc({ result: 'ok' });
      m.loadSeconds.observe(loaded.ms / 1000);
    },
    onLoadFailed: () => m.loads.inc({ result: 'failed' }),
    onEvict: (_key, serving) => m.evictions.inc({ serving: String(serving) }),
  };
}
