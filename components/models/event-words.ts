// Every kind of timeline event in words (the Record over EventKind makes a new kind fail to
// compile until it has its sentence), and the user's own reason for a move when one was given.
import { formatShare } from '@/components/experiments/traffic';
import { metricLabel } from '@/lib/metrics/catalog';
import type { EventKind } from '@/lib/schemas/events';

type Detail = Record<string, unknown>;

/** [{version: 3, weight: 70}, {version: 4, weight: 30}] → "v3 70 % · v4 30 %". */
function splitText(entries: unknown): string {
  if (!Array.isArray(entries)) return '';
  const list = entries as { version: number; weight: number }[];
  const total = list.reduce((s, e) => s + e.weight, 0);
  return list.map((e) => `v${e.version} ${formatShare(total > 0 ? e.weight / total : 0)}`).join(' · ');
}

const versionsText = (versions: unknown) => (Array.isArray(versions) ? versions.map((v) => `v${v}`).join(', ') : '');

/** The keyed digest of an erased client id (events recorded before it was keyed hold a plain SHA-256). */
function erasedIdDigest(d: Detail): string {
  if (typeof d.client_id_hmac === 'string') return ` (HMAC ${d.client_id_hmac.slice(0, 12)}…)`;
  if (typeof d.client_id_sha256 === 'string') return ` (SHA-256 ${d.client_id_sha256.slice(0, 12)}…)`;
  return '';
}

/** Why versions left the shadow list, when the server says (e.g. one was promoted to production). */
function left(d: Detail): string {
  if (typeof d.reason !== 'string' || !Array.isArray(d.from)) return '';
  const now = Array.isArray(d.versions) ? d.versions : [];
  const gone = d.from.filter((v) => !now.includes(v));
  return gone.length > 0 ? `; ${versionsText(gone)} ${d.reason}` : '';
}

const namesText = (names: unknown[]) => `${names.slice(0, 10).join(', ')}${names.length > 10 ? `, … (${names.length})` : ''}`;

function policyText(p: unknown): string {
  if (!p || typeof p !== 'object') return 'Retraining policy reset to the defaults';
  const x = p as Record<string, unknown>;
  const parts = [
    typeof x.metric === 'string' ? `judged on ${metricLabel(x.metric)}` : null,
    typeof x.tolerance === 'number' ? `tolerance ${x.tolerance}` : null,
    typeof x.floor === 'number' ? `limit ${x.floor}` : null,
    typeof x.min_labeled === 'number' ? `${x.min_labeled} labels a window` : null,
    typeof x.consecutive === 'number' ? `${x.consecutive} consecutive ${x.bucket === 'hour' ? 'hourly' : 'daily'} windows` : null,
    typeof x.drift_share === 'number' ? `drift share ${Math.round(x.drift_share * 100)} %` : null,
    typeof x.lookback === 'number' ? `lookback ${x.lookback}` : null,
  ].filter(Boolean);
  return `Retraining policy saved${parts.length ? `: ${parts.join(', ')}` : ''}`;
}

const WORDS: Record<EventKind, (d: Detail) => string> = {
  model_created: (d) => `Model created (${String(d.task).replace(/_/g, ' ')})`,
  model_updated: (d) =>
    `Model details edited${'labels' in d ? (Array.isArray(d.labels) ? `: labels ${d.labels.join(', ')}` : ': labels cleared') : ': description'}`,
  version_uploaded: (d) => `v${d.version} uploaded${d.feature_names_from === 'reference' ? " (feature names from the reference sample's header)" : ''}`,
  version_updated: (d) => {
    if (!('feature_names' in d)) return `v${d.version} description edited`;
    return Array.isArray(d.feature_names) ? `v${d.version} feature names set: ${namesText(d.feature_names)}` : `v${d.version} feature names cleared`;
  },
  version_archived: (d) => `v${d.version} archived`,
  version_restored: (d) => `v${d.version} restored`,
  alias_moved: (d) => {
    if (d.reason === 'rollback') return `${d.alias} rolled back: v${d.from} → v${d.to}`;
    if (d.reason === 'split') return `${d.alias} split's champion: ${d.from ? `v${d.from} → ` : ''}v${d.to}`;
    return `${d.from ? `${d.alias}: v${d.from} → v${d.to}` : `${d.alias} → v${d.to}`}${d.forced ? ' (forced past the promotion guard)' : ''}`;
  },
  alias_deleted: (d) => `${d.alias} removed (was v${d.from})`,
  policy_updated: (d) => policyText(d.policy),
  split_set: (d) =>
    `${d.alias} split: ${splitText(d.versions)}${Array.isArray(d.previous) ? ` (was ${splitText(d.previous)})` : ''}${d.forced ? ' (forced past the promotion guard)' : ''}`,
  split_ended: (d) =>
    `${d.alias} split ended${typeof d.to === 'number' ? `: v${d.to} serves all` : ''}${Array.isArray(d.versions) ? ` (was ${splitText(d.versions)})` : ''}${typeof d.reason === 'string' ? `, ${d.reason}` : ''}`,
  shadow_set: (d) => `Shadowing production: ${versionsText(d.versions)}${left(d)}`,
  shadow_ended: (d) => `Shadowing ended${Array.isArray(d.from) && d.from.length > 0 ? ` (was ${versionsText(d.from)})` : ''}${left(d)}`,
  key_created: (d) => `API key ${String(d.key)} created${Array.isArray(d.scopes) ? ` (${d.scopes.join(', ')})` : ''}`,
  key_revoked: (d) => `API key ${String(d.key)} revoked`,
  user_created: (d) => `Admin account ${String(d.username)} created`,
  model_deleted: (d) => `Model ${String(d.model)} deleted`,
  webhook_created: (d) => `Webhook${typeof d.host === 'string' ? ` to ${d.host}` : ''} created${Array.isArray(d.events) ? ` (${d.events.join(', ')})` : ''}`,
  webhook_deleted: (d) => `Webhook${typeof d.host === 'string' ? ` to ${d.host}` : ''} deleted`,
  predictions_erased: (d) =>
    `Erased ${typeof d.rows === 'number' ? d.rows : 0} logged prediction${d.rows === 1 ? '' : 's'} of a client id on request${erasedIdDigest(d)}`,
};

/** The event's sentence; a kind this build does not know is still words ("some_kind" → "Some kind"). */
export function describeEvent(kind: string, detail: Detail): string {
  const f = (WORDS as Record<string, ((d: Detail) => string) | undefined>)[kind];
  if (f) return f(detail);
  const words = kind.replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** The user's own reason for a move (alias PUT or rollback `reason`), stored as `comment`. */
export const eventComment = (detail: Detail): string | null => (typeof detail.comment === 'string' && detail.comment ? detail.comment : null);
