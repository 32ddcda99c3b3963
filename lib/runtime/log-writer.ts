// Group-commit writer for the prediction log: the records of every request in one event-loop turn are
// written in one transaction at the end of the turn (setImmediate), and each request's promise
// resolves only once its record is committed. A fixed timer window measured 7× slower at
// concurrency 1; the end-of-turn flush costs ~5–10 % at concurrency 64. The insert may be
// synchronous (SQLite: the batch is committed when it returns) or return a promise (a database whose
// driver is asynchronous): the requests' promises settle when it has committed either way.
// An insert refused because another connection holds the lock (`retryable`) wrote nothing: its
// records go back to the head of the queue and are tried again, with what arrived meanwhile, on the
// next turns and then every few ms, for up to `busyTimeoutMs`, while the event loop goes on serving.
import type { PredictionRecord } from '../../db/queries/predictions';

interface Pending {
  records: PredictionRecord[];
  resolve: () => void;
  reject: (err: unknown) => void;
}

export interface LogWriterOptions {
  /** Whether an insert's error means "locked by another connection, nothing written, try again". */
  retryable?: (err: unknown) => boolean;
  /** How long a batch is tried again before its requests fail with the last error. */
  busyTimeoutMs?: number;
}

/** Tries on the next turns first (a lock held for a few µs), then after 1, 2, 4, 8, 10, 10 … ms. */
const IMMEDIATE_RETRIES = 3;
const MAX_RETRY_DELAY_MS = 10;

export class LogWriter {
  private queue: Pending[] = [];
  private scheduled = false;
  private inFlight = 0;
  /** When the batch at the head of the queue was first refused as busy, and how often since. */
  private busySince: number | null = null;
  private busyTries = 0;
  private readonly retryable: (err: unknown) => boolean;
  private readonly busyTimeoutMs: number;

  constructor(
    private readonly insertBatch: (records: PredictionRecord[]) => void | Promise<void>,
    options: LogWriterOptions = {},
  ) {
    this.retryable = options.retryable ?? (() => false);
    this.busyTimeoutMs = options.busyTimeoutMs ?? 5000;
  }

  write(record: PredictionRecord): Promise<void> {
    return this.writeAll([record]);
  }

  /** Queues several records that commit together (an import). */
  writeAll(records: PredictionRecord[]): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ records, resolve, reject });
      this.inFlight++;
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  /** Commits everything queued now (the promise, for an asynchronous insert, settles once it has). */
  flush(): void | Promise<void> {
    this.scheduled = false;
    const batch = this.queue;
    if (batch.length === 0) return;
    this.queue = [];
    let committing: void | Promise<void>;
    try {
      committing = this.insertBatch(batch.length === 1 ? batch[0].records : batch.flatMap((p) => p.records));
    } catch (err) {
      if (this.retryable(err) && performance.now() - (this.busySince ??= performance.now()) < this.busyTimeoutMs) {
        this.queue = batch.concat(this.queue);
        return this.retryLater();
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
    return new Promise<void>((resolve) => {
      const again = () => {
        const r = this.flush();
        if (r) void r.then(resolve, resolve);
        else resolve();
      };
      if (tries <= IMMEDIATE_RETRIES) setImmediate(again);
      else setTimeout(again, Math.min(MAX_RETRY_DELAY_MS, 2 ** (tries - IMMEDIATE_RETRIES - 1)));
    });
  }

  private settle(batch: Pending[], failure: { err: unknown } | null): void {
    this.busySince = null;
    this.busyTries = 0;
    this.inFlight -= batch.length;
    if (failure) for (const p of batch) p.reject(failure.err);
    else for (const p of batch) p.resolve();
  }

  get pending(): number {
    return this.inFlight;
  }
}
