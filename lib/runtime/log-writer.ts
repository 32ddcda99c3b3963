// Group-commit writer for the prediction log: the records of every request in one event-loop turn are
// written in one transaction at the end of the turn (setImmediate), and each request's promise
// resolves only once its record is committed. A fixed timer window measured 7× slower at
// concurrency 1; the end-of-turn flush costs ~5–10 % at concurrency 64. The insert may be
// synchronous (SQLite: the batch is committed when it returns) or return a promise (a database whose
// driver is asynchronous): the requests' promises settle when it has committed either way.
// An insert refused because another connection holds the lock (`retryable`) wrote nothing: its
// records go back to the head of the queue and are tried again, with what arrived meanwhile, on the
// next turns and then every few ms, while the event loop goes on serving; a request whose record has
// waited `busyTimeoutMs` fails (with `busyError`, by default the insert's error). While refused, at
// most `maxWaiting` requests wait: one more fails at once the same way, so a lock held elsewhere
// never grows memory with the request rate.
import type { PredictionRecord } from '../../db/queries/predictions';

interface Pending {
  records: PredictionRecord[];
  /** When it was written (performance.now()): its time limit while the lock is held elsewhere. */
  at: number;
  resolve: () => void;
  reject: (err: unknown) => void;
}

export interface LogWriterOptions {
  /** Whether an insert's error means "locked by another connection, nothing written, try again". */
  retryable?: (err: unknown) => boolean;
  /** How long a request's record is tried again before the request fails. */
  busyTimeoutMs?: number;
  /** What such a request fails with (by default the insert's last error). */
  busyError?: (err: unknown) => unknown;
  /** How many requests may wait while the insert is refused; one more fails at once (with busyError). */
  maxWaiting?: number;
}

/** Tries on the next turns first (a lock held for a few µs), then after 1, 2, 4, 8, 10, 10 … ms. */
const IMMEDIATE_RETRIES = 3;
const MAX_RETRY_DELAY_MS = 10;

export class LogWriter {
  private queue: Pending[] = [];
  private scheduled = false;
  private inFlight = 0;
  /** Refusals in a row, and the retry they scheduled (one at a time; a direct flush joins it). */
  private busyTries = 0;
  private retrying: Promise<void> | null = null;
  private readonly retryable: (err: unknown) => boolean;
  private readonly busyTimeoutMs: number;
  private readonly busyError: (err: unknown) => unknown;
  private readonly maxWaiting: number;
  /** The last refusal, while refused (what a request past maxWaiting fails with). */
  private refusal: { err: unknown } | null = null;

  constructor(
    private readonly insertBatch: (records: PredictionRecord[]) => void | Promise<void>,
    options: LogWriterOptions = {},
  ) {
    this.retryable = options.retryable ?? (() => false);
    this.busyTimeoutMs = options.busyTimeoutMs ?? 5000;
    this.busyError = options.busyError ?? ((err) => err);
    this.maxWaiting = options.maxWaiting ?? 10_000;
  }

  write(record: PredictionRecord): Promise<void> {
    return this.writeAll([record]);
  }

  /** Queues several records that commit together (an import). */
  writeAll(records: PredictionRecord[]): Promise<void> {
    if (this.refusal !== null && this.queue.length >= this.maxWaiting) return Promise.reject(this.busyError(this.refusal.err));
    return new Promise((resolve, reject) => {
      this.queue.push({ records, at: performance.now(), resolve, reject });
      this.inFlight++;
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  /**
   * Commits everything queued now. The promise (an asynchronous insert, or a batch refused as busy)
   * settles once it has committed or failed; while a refused batch waits for its retry, a flush
   * joins that retry.
   */
  flush(): void | Promise<void> {
    if (this.retrying) return this.retrying;
    this.scheduled = false;
    const batch = this.queue;
    if (batch.length === 0) return;
    this.queue = [];
    let committing: void | Promise<void>;
    try {
      committing = this.insertBatch(batch.length === 1 ? batch[0].records : batch.flatMap((p) => p.records));
    } catch (err) {
      if (this.retryable(err)) {
        this.refusal = { err };
        const now = performance.now();
        const expired = batch.filter((p) => now - p.at >= this.busyTimeoutMs);
        const waiting = expired.length === 0 ? batch : batch.filter((p) => now - p.at < this.busyTimeoutMs);
        if (expired.length > 0) this.settle(expired, { err: this.busyError(err) }, false);
        if (waiting.length > 0) {
          this.queue = waiting.concat(this.queue);
          return this.retryLater();
        }
        this.busyTries = 0;
        this.refusal = null;
        return;
      }
      this.settle(batch, { err });
      return;
    }
    if (!committing) {
      this.settle(batch, null);
      return;
    }
    return committing.then(
      () => this.settle(batch, null),
      (err: unknown) => this.settle(batch, { err }),
    );
  }

  /** Flushes again after the back-off; settles once that flush (and any retry it needs) has. */
  private retryLater(): Promise<void> {
    this.scheduled = true; // what is written meanwhile joins the queue and this retry
    const tries = ++this.busyTries;
    const retry = new Promise<void>((resolve) => {
      const again = () => {
        this.retrying = null;
        const r = this.flush();
        if (r) void r.then(resolve, resolve);
        else resolve();
      };
      if (tries <= IMMEDIATE_RETRIES) setImmediate(again);
      else setTimeout(again, Math.min(MAX_RETRY_DELAY_MS, 2 ** (tries - IMMEDIATE_RETRIES - 1)));
    });
    this.retrying = retry;
    return retry;
  }

  private settle(batch: Pending[], failure: { err: unknown } | null, endsRefusals = true): void {
    if (endsRefusals) {
      this.busyTries = 0;
      this.refusal = null;
    }
    this.inFlight -= batch.length;
    if (failure) for (const p of batch) p.reject(failure.err);
    else for (const p of batch) p.resolve();
  }

  get pending(): number {
    return this.inFlight;
  }
}
