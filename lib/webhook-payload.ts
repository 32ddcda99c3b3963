// The bodies a webhook delivery sends, built once when the delivery is queued (the outbox stores the
// exact bytes, so every retry sends the same body and signature): Modeldock's JSON envelope
// `{id, type, occurred_at, model, version?, data}`, or Slack's incoming-webhook shape (`text` for
// notifications, Block Kit `blocks`: header, section, context; limits from Slack's Block Kit
// reference: header ≤ 150 characters, section text ≤ 3000, context ≤ 10 elements). A Slack message
// never carries the signed export links (a channel's every member, and its archive, would hold a
// download that needs no API key for 7 days): it says the data link goes to JSON webhooks. Pure.
import type { WebhookEvent, WebhookFormat } from './schemas/webhooks';

export interface NotificationEvent {
  type: WebhookEvent;
  /** The model's name (null for a ping). */
  model: string | null;
  version?: number | null;
  occurredAt: number;
  data: Record<string, unknown>;
}

/** Whether a webhook listening to `events` for `models` takes this event (a ping goes only where it is sent). */
export function webhookWants(hook: { events: string[]; models: string[] }, type: WebhookEvent, model: string | null): boolean {
  if (type === 'ping') return false;
  const event = hook.events.includes('*') || hook.events.includes(type);
  const forModel = hook.models.includes('*') || (model !== null && hook.models.includes(model));
  return event && forModel;
}

/** The JSON envelope of a delivery (format json). */
export function envelope(id: string, e: NotificationEvent): Record<string, unknown> {
  return {
    id,
    type: e.type,
    occurred_at: new Date(e.occurredAt).toISOString(),
    model: e.model,
    ...(e.version === undefined || e.version === null ? {} : { version: e.version }),
    data: e.data,
  };
}

/** The exact body sent to a webhook of this format. */
export function renderBody(format: WebhookFormat, id: string, e: NotificationEvent, baseUrl: string): string {
  return JSON.stringify(format === 'slack' ? slackMessage(id, e, baseUrl) : envelope(id, e));
}

// Slack mrkdwn: &, < and > are control characters and must be escaped (Slack's formatting reference).
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const cut = (s: string, n: number) => (s.length <= n ? s : `${s.slice(0, n - 1)}…`);

const HEADLINE: Record<WebhookEvent, string> = {
  'model.needs_retraining': 'needs retraining',
  'model.recovered': 'recovered',
  'model.watch': 'is on watch',
  'model.drift': 'shows dataset drift',
  'version.created': 'has a new version',
  'alias.moved': 'alias moved',
  ping: 'test delivery',
};

interface SlackText {
  type: 'plain_text' | 'mrkdwn';
  text: string;
}
export interface SlackMessage {
  text: string;
  blocks: ({ type: 'header'; text: SlackText } | { type: 'section'; text: SlackText } | { type: 'context'; elements: SlackText[] })[];
}

const str = (v: unknown) => (typeof v === 'string' ? v : null);

/** The reasons' messages (the verdict's), at most three. */
function reasonLines(data: Record<string, unknown>): string[] {
  const reasons = Array.isArray(data.reasons) ? data.reasons : [];
  return reasons
    .map((r) => (r && typeof r === 'object' ? str((r as Record<string, unknown>).message) : null))
    .filter((m): m is string => m !== null)
    .slice(0, 3);
}

function detailLine(e: NotificationEvent): string | null {
  const d = e.data;
  if (e.type === 'alias.moved') {
    const alias = str(d.alias) ?? 'alias';
    const to = typeof d.to === 'number' ? `version ${d.to}` : d.to === null ? 'removed' : null;
    const split = Array.isArray(d.split)
      ? d.split.map((s: { version?: unknown; weight?: unknown }) => `v${String(s.version)} ${String(s.weight)}`).join(' / ')
      : null;
    const change = str(d.change);
    return `*${esc(alias)}*${to ? ` → ${to}` : ''}${split ? ` (split ${esc(split)})` : ''}${change && change !== 'moved' ? ` · ${esc(change.replace(/_/g, ' '))}` : ''}`;
  }
  if (e.type === 'version.created') return typeof d.version === 'number' ? `Version ${d.version} uploaded` : null;
  if (e.type === 'ping') return 'Modeldock can reach this webhook.';
  return null;
}

export function slackMessage(id: string, e: NotificationEvent, baseUrl: string): SlackMessage {
  const model = e.model ?? 'Modeldock';
  const title = `${model} ${HEADLINE[e.type]}`;
  const version = e.version === undefined || e.version === null ? null : e.version;
  const state = str(e.data.state);
  const reasons = reasonLines(e.data);
  const lines: string[] = [];
  if (state) lines.push(`*Verdict:* ${esc(state.replace(/_/g, ' '))}${version !== null ? ` (version ${version})` : ''}`);
  else if (version !== null && e.type !== 'version.created' && e.type !== 'alias.moved') lines.push(`*Version:* ${version}`);
  const detail = detailLine(e);
  if (detail) lines.push(detail);
  for (const r of reasons) lines.push(`• ${esc(r)}`);
  const page = e.model ? `${baseUrl}/models/${encodeURIComponent(e.model)}${e.type.startsWith('model.') ? '/monitoring' : ''}` : null;
  if (page) lines.push(`<${esc(page)}|${e.type.startsWith('model.') ? 'Open monitoring' : 'Open the model'}>`);
  if (str(e.data.export_url)) lines.push('The link to the labeled predictions is sent to JSON webhooks only.');
  const summary = [title, reasons[0]].filter(Boolean).join(': ');
  return {
    text: cut(summary, 3000),
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: cut(title, 150) } },
      { type: 'section', text: { type: 'mrkdwn', text: cut(lines.join('\n'), 3000) } },
      { type: 'context', elements: [{ type: 'mrkdwn', text: cut(`Modeldock · ${e.type} · ${new Date(e.occurredAt).toISOString()} · delivery ${id}`, 3000) }] },
    ],
  };
}
