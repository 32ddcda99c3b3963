// What a change of the stored verdict tells webhooks, once per transition (never once per window
// or per refresh): model.needs_retraining when the verdict turns to needs retraining (with the
// reasons and a signed link to the labeled predictions of the bad windows), model.watch when it
// turns to watch, model.recovered when it turns healthy from either (also when a new production
// version's verdict is healthy; leaving an alarm for insufficient_labels is no recovery: too few
// labels say nothing of the model), and model.drift when dataset drift starts. A new production version is a new
// verdict: its states are transitions of their own.
import { publicUrl } from '../../env';
import type { VerdictDto } from '../../schemas/monitoring';
import type { NotificationEvent } from '../../webhook-payload';
import { signExportLink } from '../operations/export-links';

interface Stored {
  state: string | null;
  version: number | null;
  drifting: boolean;
}

const drifting = (v: { reasons?: unknown } | null) =>
  Array.isArray(v?.reasons) && v.reasons.some((r) => (r as { metric?: unknown })?.metric === 'dataset_drift');

function readStored(v: Record<string, unknown> | null): Stored {
  return {
    state: typeof v?.state === 'string' ? v.state : null,
    version: typeof v?.version === 'number' ? v.version : null,
    drifting: drifting(v),
  };
}

const ALARM = new Set(['needs_retraining', 'watch']);

/** The labeled export of the bad windows: from the first bad window of the episode to the end of the verdict's span. */
function exportLinks(model: string, v: VerdictDto, now: number) {
  const metricReasons = v.reasons.filter((r) => r.metric === v.metric);
  const since = (metricReasons.length ? metricReasons : v.reasons).map((r) => r.since).sort()[0] ?? v.from;
  const scope = { model, version: v.version, from: since, to: v.to };
  const csv = signExportLink({ ...scope, format: 'csv' }, now);
  const parquet = signExportLink({ ...scope, format: 'parquet' }, now);
  return {
    export_url: csv.url,
    export_urls: { csv: csv.url, parquet: parquet.url },
    export_expires_at: csv.expiresAt,
    export: { version: v.version, from: since, to: v.to, labeled: true },
  };
}

/** The events of the change from the stored verdict `previous` to `next` (empty when nothing turned). */
export function verdictNotifications(model: string, previous: Record<string, unknown> | null, next: VerdictDto | null, now = Date.now()): NotificationEvent[] {
  if (next === null) return [];
  const before = readStored(previous);
  const sameVersion = before.version === next.version;
  const monitoringUrl = `${publicUrl()}/models/${encodeURIComponent(model)}/monitoring`;
  const base = (type: NotificationEvent['type'], data: Record<string, unknown>): NotificationEvent => ({
    type,
    model,
    version: next.version,
    occurredAt: now,
    data: { state: next.state, previous_state: before.state, previous_version: before.version, ...data, monitoring_url: monitoringUrl },
  });
  const verdict = { metric: next.metric, baseline: next.baseline, threshold: next.threshold, bucket: next.bucket, labeled: next.labeled, as_of: next.as_of };
  const out: NotificationEvent[] = [];
  const turned = !sameVersion || before.state !== next.state;
  if (turned && next.state === 'needs_retraining')
    out.push(base('model.needs_retraining', { reasons: next.reasons, verdict, ...exportLinks(model, next, now) }));
  if (turned && next.state === 'watch') out.push(base('model.watch', { reasons: next.reasons, verdict }));
  if (before.state !== null && ALARM.has(before.state) && next.state === 'healthy') out.push(base('model.recovered', { verdict }));
  if (drifting(next) && (!sameVersion || !before.drifting)) {
    out.push(base('model.drift', { reasons: next.reasons.filter((r) => r.metric === 'dataset_drift'), drift: next.drift }));
  }
  return out;
}
