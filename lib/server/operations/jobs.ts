// The jobs worker: carries out the outbox (db/queries/outbox.ts) off the request path, in the
// server process. Every second it leases the due jobs (up to CONCURRENCY in flight) and sends each
// one; fetch is asynchronous, so a slow receiver never holds a request. A lease lasts the attempt's
// timeout plus a margin: if the process dies mid-attempt (SIGKILL), the job is due again when it runs
// out and is sent with the same delivery id, which receivers dedupe by. If this loop stalls past a
// lease, the ids it has in flight are still never leased twice here, and an attempt's outcome counts
// only while no later lease (another process) has counted an attempt since. Failed attempts are retried
// with exponential backoff (backoff.ts), then given up as failed. Started by lib/http/server.ts.
import { createHmac } from 'node:crypto';
import { finishAttempt, leaseDueJobs, pruneJobs, releaseJob, WEBHOOK_JOB, type JobOutcome } from '../../../db/queries/outbox';
import { findWebhook } from '../../../db/queries/webhooks';
import type { JobRow, WebhookRow } from '../../../db/schema';
import { env } from '../../env';
import { runtime } from '../../runtime/runtime';
import { decryptText, masterKey } from '../../runtime/secret-key';
import { db } from '../lookups';
import { hostAllowed } from './allowed-hosts';
import { nextAttemptAt } from './backoff';
import { allowedHosts } from './webhooks';

const POLL_MS = 1_000;
/** Deliveries in flight at once (each waits on a receiver, not on this process). */
const CONCURRENCY = 8;
/** A lease outlasts the attempt's timeout by this much. */
const LEASE_MARGIN_MS = 5_000;
/** The start of a receiver's answer kept with the delivery (its error message). */
const SNIPPET_BYTES = 300;
/** Delivered and failed jobs are kept this long (the deliveries list), then deleted. */
const KEEP_FINISHED_MS = 30 * 86_400_000;
const PRUNE_EVERY_MS = 3_600_000;

export const signBody = (secret: string, body: string) => `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

/** The first bytes of a response body as text (the rest is discarded unread). */
async function snippet(res: Response): Promise<string> {
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < SNIPPET_BYTES) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.length;
    }
  } catch {
    /* a body cut short: what arrived is enough */
  } finally {
    void reader.cancel().catch(() => undefined);
  }
  const text = Buffer.concat(chunks).subarray(0, SNIPPET_BYTES).toString('utf8');
  return text.replace(/\s+/g, ' ').trim();
}

function decryptHeaders(hook: WebhookRow): Record<string, string> {
  if (!hook.headers) return {};
  const stored = JSON.parse(hook.headers) as { sealed: string };
  return JSON.parse(decryptText(stored.sealed)) as Record<string, string>;
}

type Attempt = { kind: 'outcome'; outcome: JobOutcome } | { kind: 'gone' } | { kind: 'stopped' };

/** One attempt at a webhook delivery. */
async function attemptDelivery(job: JobRow, stop: AbortSignal): Promise<Attempt> {
  const hook = job.webhookId === null ? undefined : await findWebhook(db(), job.webhookId);
  if (!hook) return { kind: 'gone' };
  const failed = (error: string, responseStatus: number | null = null): Attempt => ({ kind: 'outcome', outcome: { result: 'failed', responseStatus, error } });
  if (!hostAllowed(hook.url, allowedHosts())) return failed(`${new URL(hook.url).hostname} is not in WEBHOOK_ALLOWED_HOSTS`);
  let secret: string;
  let extra: Record<string, string>;
  try {
    secret = decryptText(hook.secret);
    extra = decryptHeaders(hook);
  } catch {
    return failed('the webhook secret cannot be decrypted: the master key (MODELDOCK_SECRET_KEY or DATA_DIR/secret.key) changed; create the webhook again');
  }
  const retryOrFail = (error: string, responseStatus: number | null): Attempt => {
    const now = Date.now();
    const nextAt = nextAttemptAt({ attempts: job.attempts, createdAt: job.createdAt, now, baseMs: env.WEBHOOK_RETRY_BASE_MS });
    return { kind: 'outcome', outcome: nextAt === null ? { result: 'failed', responseStatus, error } : { result: 'retry', responseStatus, error, nextAt } };
  };
  try {
    const res = await fetch(hook.url, {
      method: 'POST',
      headers: {
        ...extra,
        'content-type': 'application/json',
        'user-agent': 'Modeldock-Webhooks/1',
        'x-modeldock-event': job.event ?? job.kind,
        'x-modeldock-delivery': job.id,
        'x-modeldock-attempt': String(job.attempts),
        'x-modeldock-signature': signBody(secret, job.payload),
      },
      body: job.payload,
      // A redirect is not followed (it could lead past WEBHOOK_ALLOWED_HOSTS): it counts as a failure.
      redirect: 'manual',
      signal: AbortSignal.any([AbortSignal.timeout(env.WEBHOOK_TIMEOUT_MS), stop]),
    });
    const text = await snippet(res);
    if (res.status >= 200 && res.status < 300) return { kind: 'outcome', outcome: { result: 'delivered', responseStatus: res.status } };
    return retryOrFail(`HTTP ${res.status}${text ? `: ${text}` : ''}`, res.status);
  } catch (err) {
    if (stop.aborted) return { kind: 'stopped' };
    const e = err as Error & { cause?: { code?: string; message?: string } };
    const reason =
      e.name === 'TimeoutError' ? `no answer within ${env.WEBHOOK_TIMEOUT_MS / 1000} s` : (e.cause?.code ?? e.cause?.message ?? e.message ?? 'request failed');
    return retryOrFail(String(reason).slice(0, SNIPPET_BYTES), null);
  }
}

export interface JobsWorker {
  /** Stops leasing, aborts the attempts in flight and gives their jobs back (sent again after a restart). */
  stop(): Promise<void>;
}

export function startJobs(): JobsWorker {
  masterKey(); // a malformed MODELDOCK_SECRET_KEY stops the start, not the first delivery
  const inFlight = new Map<string, Promise<void>>();
  const stopping = new AbortController();
  let prunedAt = 0;

  const run = (job: JobRow) => {
    const attempt: Promise<Attempt> =
      job.kind === WEBHOOK_JOB
        ? attemptDelivery(job, stopping.signal)
        : Promise.resolve({ kind: 'outcome', outcome: { result: 'failed', responseStatus: null, error: `unknown job kind ${job.kind}` } });
    const done = attempt
      .then(async (a) => {
        if (a.kind === 'stopped') return releaseJob(db(), job);
        if (a.kind === 'gone') return;
        if (await finishAttempt(db(), job, a.outcome)) runtime().metrics.webhookDeliveries.inc({ result: a.outcome.result });
      })
      .catch((err: unknown) => console.error(`[modeldock] job ${job.id} failed`, err))
      .finally(() => inFlight.delete(job.id));
    inFlight.set(job.id, done);
  };

  const lease = async () => {
    const now = Date.now();
    const due = await leaseDueJobs(db(), {
      now,
      until: now + env.WEBHOOK_TIMEOUT_MS + LEASE_MARGIN_MS,
      limit: CONCURRENCY - inFlight.size,
      inFlight: inFlight.keys(),
    });
    // Stopped while the lease was on its way (PostgreSQL): the jobs go back, unsent.
    if (stopping.signal.aborted) {
      await Promise.all(due.map((job) => releaseJob(db(), job)));
      return;
    }
    for (const job of due) run(job);
    if (now - prunedAt > PRUNE_EVERY_MS) {
      prunedAt = now;
      await pruneJobs(db(), now - KEEP_FINISHED_MS);
    }
  };
  // A tick whose lease is still on its way (a slow database) is not overlapped by the next one, so
  // the count in flight that sizes the lease is never stale.
  let ticking: Promise<void> | null = null;
  const tick = () => {
    if (stopping.signal.aborted || ticking) return;
    ticking = lease()
      .catch((err: unknown) => console.error('[modeldock] the jobs worker could not read the outbox', err))
      .finally(() => {
        ticking = null;
      });
  };
  const timer = setInterval(tick, POLL_MS);
  timer.unref();
  return {
    stop: async () => {
      clearInterval(timer);
      stopping.abort();
      await ticking;
      await Promise.all(inFlight.values());
    },
  };
}
