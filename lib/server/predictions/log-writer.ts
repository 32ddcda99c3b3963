// Group-commit writer for the prediction log: rows from every request in one event-loop turn are
// written in one transaction at the end of the turn (setImmediate), and each request's promise
// resolves only once its rows are committed. A fixed timer window measured 7× slower at
// concurrency 1; the end-of-turn flush costs ~5–10 % at concurrency 64.
import type { PredictionInsert } from '../../../db/queries/predictions';

interface Pending { rows: PredictionInsert[]; resolve: () => void; reject: (err: unknown) => void }

export class LogWriter {
  private queue: Pending[] = [];
  private scheduled = false;
  private inFlight = 0;

  constructor(private readonly insertBatch: (rows: PredictionInsert[]) => void) {}

  write(rows: PredictionInsert[]): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ rows, resolve, reject });
      this.inFlight++;
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  /** Commits everything queued now. */
  flush(): void {
    this.scheduled = false;
    const batch = this.queue;
    if (batch.length === 0) return;
    this.queue = [];
    const rows = batch.length === 1 ? batch[0].rows : batch.flatMap((p) => p.rows);
    try {
      this.insertBatch(rows);
      for (const p of batch) p.resolve();
    } catch (err) {
      for (const p of batch) p.reject(err);
    } finally {
      this.inFlight -= batch.length;
    }
  }

  get pending(): number {
    return this.inFlight;
  }
}
