// Dynamic batching: rows for the same session (and the same outputs) that arrive in one event-loop
// turn while other runs are under way are concatenated along the batch dimension into one
// onnxruntime run, and each caller gets its own slice of the outputs. Bounded by maxRows per run;
// no timer, and a request that finds nothing running runs at once.
import { Tensor, type InferenceSession } from 'onnxruntime-node';
import { pooled, type TypedArrayCtor } from './pooled';

type Results = Record<string, Tensor>;
interface Job {
  feeds: Record<string, Tensor>;
  rows: number;
  resolve: (r: Results) => void;
  reject: (e: unknown) => void;
}
interface Queue {
  session: InferenceSession;
  fetch: string[];
  jobs: Job[];
  rows: number;
}

type Typed = ArrayLike<unknown> & { set(a: ArrayLike<unknown>, o: number): void };
const CTOR: Record<string, TypedArrayCtor<Typed>> = {
  float32: Float32Array,
  float64: Float64Array,
  int8: Int8Array,
  uint8: Uint8Array,
  int16: Int16Array,
  uint16: Uint16Array,
  int32: Int32Array,
  uint32: Uint32Array,
  int64: BigInt64Array,
  uint64: BigUint64Array,
  bool: Uint8Array,
};

function concat(tensors: Tensor[], total: number): Tensor {
  const first = tensors[0];
  const inner = first.dims.slice(1);
  if (first.type === 'string') {
    return new Tensor(
      'string',
      tensors.flatMap((t) => t.data as string[]),
      [total, ...inner],
    );
  }
  const out = pooled(
    CTOR[first.type],
    tensors.reduce((n, t) => n + t.size, 0),
  );
  let offset = 0;
  for (const t of tensors) {
    out.set(t.data as ArrayLike<unknown>, offset);
    offset += t.size;
  }
  return new Tensor(first.type as 'float32', out as Float32Array, [total, ...inner]);
}

function slice(t: Tensor, start: number, rows: number, total: number): Tensor {
  if (t.dims[0] !== total) return t; // not batched along dim 0 (e.g. a constant output): shared
  const per = t.size / total;
  const dims = [rows, ...t.dims.slice(1)];
  // Numbers: a view on the run's output (a fresh array each run), not a copy; strings: a copy.
  const data = t.data as unknown as { subarray?(a: number, b: number): unknown; slice(a: number, b: number): unknown };
  const part = data.subarray ? data.subarray(start * per, (start + rows) * per) : data.slice(start * per, (start + rows) * per);
  return new Tensor(t.type as 'float32', part as Float32Array, dims);
}

const sameInner = (a: Tensor, b: Tensor) => a.type === b.type && a.dims.length === b.dims.length && a.dims.every((d, i) => i === 0 || d === b.dims[i]);

export class Batcher {
  private queues = new Map<string, Queue>();
  private scheduled = false;

  constructor(private readonly maxRows: number) {}

  /** Runs under way; when none is, a request has nobody to wait for and runs at once. */
  private inFlight = 0;

  run(key: string, session: InferenceSession, feeds: Record<string, Tensor>, rows: number, fetch: string[]): Promise<Results> {
    if (this.maxRows <= 1 || rows >= this.maxRows) return session.run(feeds, fetch) as Promise<Results>;
    if (this.inFlight === 0 && this.queues.size === 0) return this.track(session.run(feeds, fetch) as Promise<Results>);
    const qkey = `${key}\0${fetch.join('\0')}`;
    return new Promise((resolve, reject) => {
      let q = this.queues.get(qkey);
      if (q && (q.rows + rows > this.maxRows || !Object.keys(feeds).every((k) => q!.jobs[0].feeds[k] && sameInner(q!.jobs[0].feeds[k], feeds[k])))) {
        this.queues.delete(qkey);
        this.execute(q);
        q = undefined;
      }
      if (!q) {
        q = { session, fetch, jobs: [], rows: 0 };
        this.queues.set(qkey, q);
      }
      q.jobs.push({ feeds, rows, resolve, reject });
      q.rows += rows;
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.scheduled = false;
    const queues = this.queues;
    // A new Map per turn, never clear(): V8 links a cleared Map's old table to its new one and, once
    // the Map has lived through a major GC, allocates every later table in the old generation. The
    // dead tables then keep each turn's requests (feeds, callers' promises) alive until the next major
    // GC, so every request was promoted: 2 MB per minor GC at concurrency 64, scavenge pauses ×3, c64
    // 0.65 of the limit instead of 0.9 (issue 13). A dropped Map links to nothing (batcher.test.ts).
    this.queues = new Map();
    for (const q of queues.values()) this.execute(q);
  }

  private track(p: Promise<Results>): Promise<Results> {
    this.inFlight++;
    const done = () => {
      this.inFlight--;
    };
    p.then(done, done);
    return p;
  }

  private execute(q: Queue): void {
    if (q.jobs.length === 1) {
      const job = q.jobs[0];
      this.track(q.session.run(job.feeds, q.fetch) as Promise<Results>).then(job.resolve, job.reject);
      return;
    }
    let feeds: Record<string, Tensor>;
    try {
      feeds = {};
      for (const name of Object.keys(q.jobs[0].feeds))
        feeds[name] = concat(
          q.jobs.map((j) => j.feeds[name]),
          q.rows,
        );
    } catch (err) {
      for (const j of q.jobs) j.reject(err);
      return;
    }
    this.track(q.session.run(feeds, q.fetch) as Promise<Results>).then(
      (results) => {
        let start = 0;
        for (const job of q.jobs) {
          const mine: Results = {};
          for (const [name, t] of Object.entries(results)) mine[name] = slice(t, start, job.rows, q.rows);
          start += job.rows;
          job.resolve(mine);
        }
      },
      // One bad row fails the whole run: retry each request alone so only its caller sees the error.
      () => {
        for (const job of q.jobs) (q.session.run(job.feeds, q.fetch) as Promise<Results>).then(job.resolve, job.reject);
      },
    );
  }
}
