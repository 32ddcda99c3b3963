// What the outbox's two dialects share (db/queries/outbox.ts, db/pg/queries/outbox.ts, and the
// webhooks beside them): which registry events webhooks hear and as what, the webhook job's kind,
// how job counts fold, and how events name a webhook's URL. Pure.
import type { WebhookEvent } from '../../lib/schemas/webhooks';
import type { EventKind, JobRow } from '../schema';

export const WEBHOOK_JOB = 'webhook';

/**
 * What a registry event means to webhooks: uploads are version.created; promotions, rollbacks,
 * split changes and deletions of an alias are alias.moved. A move that also ends a split is one
 * alias.moved (its alias_moved), and a split that moves the champion is one (its split_set).
 */
export function registryNotification(
  kind: EventKind,
  d: Record<string, unknown>,
  actor: string,
): { type: WebhookEvent; version: number | null; data: Record<string, unknown> } | null {
  const num = (v: unknown) => (typeof v === 'number' ? v : null);
  switch (kind) {
    case 'version_uploaded':
      return { type: 'version.created', version: num(d.version), data: { version: d.version, sha256: d.sha256, size_bytes: d.size_bytes, actor } };
    case 'alias_moved':
      if (d.reason === 'split') return null;
      return {
        type: 'alias.moved',
        version: num(d.to),
        data: {
          alias: d.alias,
          from: d.from,
          to: d.to,
          change: d.reason === 'rollback' ? 'rollback' : 'moved',
          split: null,
          actor,
          ...(d.comment ? { comment: d.comment } : {}),
          ...(d.forced ? { forced: true } : {}),
        },
      };
    case 'split_set':
      return {
        type: 'alias.moved',
        version: num(d.champion),
        data: { alias: d.alias, from: d.from, to: d.champion, change: 'split', split: d.versions, actor, ...(d.comment ? { comment: d.comment } : {}) },
      };
    case 'split_ended':
      // Followed by alias_moved (another version) or alias_deleted in the same transaction, which say it.
      if (d.from !== d.to) return null;
      return { type: 'alias.moved', version: num(d.to), data: { alias: d.alias, from: d.from, to: d.to, change: 'split_ended', split: null, actor } };
    case 'alias_deleted':
      return { type: 'alias.moved', version: null, data: { alias: d.alias, from: d.from, to: null, change: 'deleted', split: null, actor } };
    default:
      return null;
  }
}

export interface JobCounts {
  pending: number;
  retrying: number;
  delivered: number;
  failed: number;
  lastAt: number | null;
}

/** Folds per (webhook, status) counts into jobCounts' map (both dialects). */
export function countJobs(rows: { webhookId: number | null; status: JobRow['status']; n: number; last: number | null }[]): Map<number | null, JobCounts> {
  const out = new Map<number | null, JobCounts>();
  const add = (key: number | null, status: JobRow['status'], n: number, last: number | null) => {
    const c = out.get(key) ?? { pending: 0, retrying: 0, delivered: 0, failed: 0, lastAt: null };
    c[status] += n;
    if (last !== null && (c.lastAt === null || last > c.lastAt)) c.lastAt = last;
    out.set(key, c);
  };
  for (const r of rows) {
    add(r.webhookId, r.status, r.n, r.last);
    add(null, r.status, r.n, r.last);
  }
  return out;
}

/** What events say of a webhook's URL: its host only (a path may be the secret: Slack's is). */
export const hostOf = (url: string) => {
  try {
    return new URL(url).host;
  } catch {
    return url.slice(0, 100);
  }
};
