// Prometheus metrics of serving (prom-client): one registry per process, on the runtime.
// Latency buckets start at 0.1 ms: prom-client's defaults (from 5 ms) hide sub-millisecond models.
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { createModelCacheMetrics, type ModelCacheMetrics } from './model-cache-metrics';
import { createModelHealthMetrics, type ModelHealthMetrics } from './model-health-metrics';

export const LATENCY_BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

/** Most model/version label pairs a process keeps series for; later ones share model="other". */
export const MAX_LABELLED_VERSIONS = 2000;

interface PredictionSeries {
  requests: { inc(): void };
  latency: { observe(v: number): void };
  rows: { observe(v: number): void };
}

export class ServingMetrics {
  readonly registry = new Registry();
  readonly requests: Counter<'route' | 'model' | 'version' | 'status'>;
  readonly latency: Histogram<'route' | 'model' | 'version'>;
  readonly batchRows: Histogram<'model' | 'version'>;
  readonly shadowDropped: Counter<'model'>;
  readonly shadowFailed: Counter<'model' | 'version'>;
  /** Webhook delivery attempts by outcome: delivered, retry (failed, tried again later), failed (given up). */
  readonly webhookDeliveries: Counter<'result'>;
  /** The model cache's loads, evictions and gauges (see model-cache-metrics.ts). */
  readonly modelCache: ModelCacheMetrics;
  /** Gauges of the stored verdicts and the outcome counter (see model-health-metrics.ts). */
  readonly modelHealth: ModelHealthMetrics;
  /** Where the in-flight gauge reads its value (the HTTP server sets it). */
  inFlightSource: () => number = () => 0;
  private readonly labelled = new Set<string>();
  private readonly series = new Map<string, PredictionSeries>();

  constructor() {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry, prefix: 'modeldock_' });
    // prom-client names the sums of some labelled gauges `_total` (nodejs_active_handles_total…), which
    // `promtool check metrics` refuses on a gauge; sum() of the labelled sibling says the same.
    for (const m of this.registry.getMetricsAsArray()) {
      if (m.name.endsWith('_total') && m instanceof Gauge) this.registry.removeSingleMetric(m.name);
    }
    this.requests = new Counter({
      name: 'modeldock_prediction_requests_total',
      help: 'Prediction requests by route (rest|v2), model, version and status class (2xx|4xx|5xx)',
      labelNames: ['route', 'model', 'version', 'status'],
      registers,
    });
    this.latency = new Histogram({
      name: 'modeldock_prediction_duration_seconds',
      help: 'Time from request to answer, logging included',
      labelNames: ['route', 'model', 'version'],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.batchRows = new Histogram({
      name: 'modeldock_prediction_batch_rows',
      help: 'Rows per prediction request',
      labelNames: ['model', 'version'],
      buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 4096, 10000],
      registers,
    });
    this.shadowDropped = new Counter({
      name: 'modeldock_shadow_dropped_total',
      help: 'Production requests not copied to shadow versions because the shadow queue was full (SHADOW_QUEUE_SIZE)',
      labelNames: ['model'],
      registers,
    });
    this.shadowFailed = new Counter({
      name: 'modeldock_shadow_failed_total',
      help: 'Shadow runs that failed (session load, input the version cannot take); the answered request is unaffected',
      labelNames: ['model', 'version'],
      registers,
    });
    this.webhookDeliveries = new Counter({
      name: 'modeldock_webhook_deliveries_total',
      help: 'Webhook delivery attempts by result: delivered (2xx), retry (failed, tried again later), failed (given up, or not allowed)',
      labelNames: ['result'],
      registers,
    });
    for (const result of ['delivered', 'retry', 'failed']) this.webhookDeliveries.inc({ result }, 0);
    this.modelCache = createModelCacheMetrics(this.registry);
    this.modelHealth = createModelHealthMetrics(this.registry, MAX_LABELLED_VERSIONS);
    const source = () => this.inFlightSource();
    new Gauge({
      name: 'modeldock_http_requests_in_flight',
      help: 'HTTP requests received and not yet answered (all routes)',
      registers,
      collect() {
        this.set(source());
      },
    });
  }

  /**
   * Callers pass a registry model's name (or "unknown" before the model is resolved), never text
   * from a request; the cap bounds the series even when models come and go for a long time.
   */
  private labelsOf(model: string, version: string): { model: string; version: string } {
    const key = `${model}\0${version}`;
    if (this.labelled.has(key)) return { model, version };
    if (this.labelled.size >= MAX_LABELLED_VERSIONS) return { model: 'other', version: '' };
    this.labelled.add(key);
    return { model, version };
  }

  /** The series of one route × model × version × status class, looked up once (prom-client hashes the labels on every call otherwise). */
  private seriesOf(route: 'rest' | 'v2', model: string, version: string, status: string): PredictionSeries {
    const key = `${route}\0${model}\0${version}\0${status}`;
    let s = this.series.get(key);
    if (s === undefined) {
      const l = this.labelsOf(model, version);
      s = {
        requests: this.requests.labels({ route, model: l.model, version: l.version, status }),
        latency: this.latency.labels({ route, ...l }),
        rows: this.batchRows.labels(l),
      };
      // Keys are registry names ("unknown" and "other" included), bounded like the labels themselves.
      if (this.series.size < 8 * MAX_LABELLED_VERSIONS) this.series.set(key, s);
    }
    return s;
  }

  observePrediction(o: { route: 'rest' | 'v2'; model: string; version: string; status: number; seconds: number; rows: number }): void {
    const s = this.seriesOf(o.route, o.model, o.version, `${Math.floor(o.status / 100)}xx`);
    s.requests.inc();
    if (o.status < 400) {
      s.latency.observe(o.seconds);
      s.rows.observe(o.rows);
    }
  }
}
