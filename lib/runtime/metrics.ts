// Prometheus metrics of serving (prom-client), one registry per process on globalThis.
// Latency buckets start at 0.1 ms: prom-client's defaults (from 5 ms) hide sub-millisecond models.
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

interface ServingMetrics {
  registry: Registry;
  requests: Counter<'route' | 'model' | 'version' | 'status'>;
  latency: Histogram<'route' | 'model' | 'version'>;
  batchRows: Histogram<'model' | 'version'>;
  shadowDropped: Counter<'model'>;
  shadowFailed: Counter<'model' | 'version'>;
  /** Where the in-flight gauge reads its value (the HTTP server registers it). */
  inFlightSource: () => number;
}

const KEY = Symbol.for('modeldock.metrics');
type Holder = { [KEY]?: ServingMetrics };

export const LATENCY_BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

export function metrics(): ServingMetrics {
  const holder = globalThis as Holder;
  if (holder[KEY]) return holder[KEY];
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'modeldock_' });
  const m: ServingMetrics = {
    registry,
    requests: new Counter({
      name: 'modeldock_prediction_requests_total',
      help: 'Prediction requests by route (rest|v2), model, version and status class (2xx|4xx|5xx)',
      labelNames: ['route', 'model', 'version', 'status'],
      registers: [registry],
    }),
    latency: new Histogram({
      name: 'modeldock_prediction_duration_seconds',
      help: 'Time from request to answer, logging included',
      labelNames: ['route', 'model', 'version'],
      buckets: LATENCY_BUCKETS,
      registers: [registry],
    }),
    batchRows: new Histogram({
      name: 'modeldock_prediction_batch_rows',
      help: 'Rows per prediction request',
      labelNames: ['model', 'version'],
      buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 4096, 10000],
      registers: [registry],
    }),
    shadowDropped: new Counter({
      name: 'modeldock_shadow_dropped_total',
      help: 'Production requests not copied to shadow versions because the shadow queue was full (SHADOW_QUEUE_SIZE)',
      labelNames: ['model'],
      registers: [registry],
    }),
    shadowFailed: new Counter({
      name: 'modeldock_shadow_failed_total',
      help: 'Shadow runs that failed (session load, input the version cannot take); the answered request is unaffected',
      labelNames: ['model', 'version'],
      registers: [registry],
    }),
    inFlightSource: () => 0,
  };
  new Gauge({
    name: 'modeldock_http_requests_in_flight',
    help: 'HTTP requests received and not yet answered (all routes)',
    registers: [registry],
    collect() { this.set(m.inFlightSource()); },
  });
  holder[KEY] = m;
  return m;
}

/** Most model/version label pairs a process keeps series for; later ones share model="other". */
export const MAX_LABELLED_VERSIONS = 2000;
const labelled = new Set<string>();

/**
 * Callers pass a registry model's name (or "unknown" before the model is resolved), never text
 * from a request; the cap bounds the series even when models come and go for a long time.
 */
function labelsOf(model: string, version: string): { model: string; version: string } {
  const key = `${model}\0${version}`;
  if (labelled.has(key)) return { model, version };
  if (labelled.size >= MAX_LABELLED_VERSIONS) return { model: 'other', version: '' };
  labelled.add(key);
  return { model, version };
}

export function observePrediction(o: { route: 'rest' | 'v2'; model: string; version: string; status: number; seconds: number; rows: number }): void {
  const m = metrics();
  const status = `${Math.floor(o.status / 100)}xx`;
  const l = labelsOf(o.model, o.version);
  m.requests.inc({ route: o.route, model: l.model, version: l.version, status });
  if (o.status < 400) {
    m.latency.observe({ route: o.route, ...l }, o.seconds);
    m.batchRows.observe(l, o.rows);
  }
}

/** Lets the HTTP server report how many requests it is answering (read when /metrics is scraped). */
export function reportInFlight(source: () => number): void {
  metrics().inFlightSource = source;
}
