// The model cache on /metrics, with a real SessionCache and fake loads: counters move with loads,
// failed loads and evictions (labelled only by result and serving), and the gauges read the cache
// at scrape time, the "does not fit" gauge included.
import type { InferenceSession } from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { SessionCache } from '../../inference/session-cache';
import { ServingMetrics } from './metrics';
import { metricObservers } from './model-cache-metrics';

/** A process's metrics (the runtime makes one; the test its own). */
const metrics = new ServingMetrics();
const modelCacheMetrics = () => metrics.modelCache;

function sample(text: string, series: string): number | null {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? null : Number(line.slice(series.length + 1));
}

describe('model cache metrics', () => {
  it('count loads, failures and evictions, and read budget, resident bytes and the fit at scrape time', async () => {
    const serving = new Set(['p1', 'p2']);
    const cache = new SessionCache(
      async (key) => {
        if (key === 'broken') throw new Error('corrupt');
        return { session: { release: async () => undefined } as unknown as InferenceSession, bytes: 40, ms: 12 };
      },
      { budgetBytes: 100, servingSet: () => serving, ...metricObservers(metrics.modelCache) },
    );
    modelCacheMetrics().observe(cache);
    const scrape = () => metrics.registry.metrics();

    await cache.warm('p1');
    await cache.warm('p2');
    let text = await scrape();
    expect(sample(text, 'modeldock_model_cache_budget_bytes')).toBe(100);
    expect(sample(text, 'modeldock_model_cache_resident_bytes')).toBe(80);
    expect(sample(text, 'modeldock_model_cache_sessions')).toBe(2);
    expect(sample(text, 'modeldock_model_cache_serving_set_bytes')).toBe(80);
    expect(sample(text, 'modeldock_model_cache_serving_set_does_not_fit')).toBe(0);
    expect(sample(text, 'modeldock_model_cache_loads_total{result="ok"}')).toBe(2);
    expect(sample(text, 'modeldock_model_cache_load_seconds_sum')).toBeCloseTo(0.024, 6);

    (await cache.acquire('other')).release(); // not serving: its own load evicts it
    await expect(cache.warm('broken')).rejects.toThrow('corrupt');
    serving.add('p3');
    await cache.warm('p3'); // the serving set (120) no longer fits 100: p1 goes
    await new Promise((r) => setTimeout(r, 150)); // past the scrape's shared snapshot
    text = await scrape();
    expect(sample(text, 'modeldock_model_cache_loads_total{result="ok"}')).toBe(4);
    expect(sample(text, 'modeldock_model_cache_loads_total{result="failed"}')).toBe(1);
    expect(sample(text, 'modeldock_model_cache_evictions_total{serving="false"}')).toBe(1);
    expect(sample(text, 'modeldock_model_cache_evictions_total{serving="true"}')).toBe(1);
    expect(sample(text, 'modeldock_model_cache_resident_bytes')).toBe(80);
    expect(sample(text, 'modeldock_model_cache_serving_set_bytes')).toBe(120);
    expect(sample(text, 'modeldock_model_cache_serving_set_does_not_fit')).toBe(1);
  });
});
