// LogWriter: group commit per event-loop turn, promises settled by the insert, failures per batch.
import { describe, expect, it, vi } from 'vitest';
import type { PredictionRecord } from '../../db/queries/predictions';
import { LogWriter } from './log-writer';

const row = (id: string): PredictionRecord => ({
  id,
  modelId: 1,
  versionId: 1,
  alias: null,
  ts: 0,
  rows: 1,
  inputCodec: 1,
  inputs: Buffer.alloc(0),
  labels: null,
  outputValues: null,
  probabilities: null,
  classes: null,
  clientIds: null,
  latencyUs: 0,
  source: 0,
});

/** Resolves after pending setImmediate callbacks (the writer's end-of-turn flush) have run. */
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Records whether a promise has settled, and how. */
function track(p: Promise<void>) {
  const state = { settled: false, error: null as unknown };
  p.then(
    () => {
      state.settled = true;
    },
    (err: unknown) => {
      state.settled = true;
      state.error = err;
    },
  );
  return state;
}

const ids = (rows: PredictionRecord[]) => rows.map((r) => r.id);

describe('LogWriter', () => {
  it('writes every request of one turn in one insertBatch call, in order', async () => {
    const insertBatch = vi.fn<(rows: PredictionRecord[]) => void>();
    const writer = new LogWriter(insertBatch);
    const writes = [writer.write(row('a')), writer.write(row('b')), writer.write(row('c'))];
    expect(insertBatch).not.toHaveBeenCalled();
    expect(writer.pending).toBe(3);
    await Promise.all(writes);
    expect(insertBatch).toHaveBeenCalledTimes(1);
    expect(ids(insertBatch.mock.calls[0][0])).toEqual(['a', 'b', 'c']);
    expect(writer.pending).toBe(0);
  });

  it('settles the promises only after insertBatch has returned', async () => {
    const seenByInsert: boolean[] = [];
    let a = { settled: false, error: null as unknown };
    let b = { settled: false, error: null as unknown };
    const writer = new LogWriter(() => {
      seenByInsert.push(a.settled, b.settled);
    });
    a = track(writer.write(row('a')));
    b = track(writer.write(row('b')));
    // Microtasks alone do not flush: the batch waits for the end of the turn.
    for (let i = 0; i < 5; i++) await Promise.resolve();
    expect([a.settled, b.settled]).toEqual([false, false]);
    await nextTurn();
    expect(seenByInsert).toEqual([false, false]);
    expect([a.settled, b.settled]).toEqual([true, true]);
  });

  it('rejects every request of a failing batch, and the next batch still commits', async () => {
    const boom = new Error('SQLITE_BUSY');
    const insertBatch = vi.fn<(rows: PredictionRecord[]) => void>().mockImplementationOnce(() => {
      throw boom;
    });
    const writer = new LogWriter(insertBatch);
    const failed = [writer.write(row('a')), writer.write(row('b'))];
    for (const p of failed) await expect(p).rejects.toBe(boom);
    expect(writer.pending).toBe(0);

    await expect(writer.write(row('c'))).resolves.toBeUndefined();
    expect(insertBatch).toHaveBeenCalledTimes(2);
    expect(ids(insertBatch.mock.calls[1][0])).toEqual(['c']);
  });

  it('writes after a flush go to a new batch', async () => {
    const insertBatch = vi.fn<(rows: PredictionRecord[]) => void>();
    const writer = new LogWriter(insertBatch);
    const first = track(writer.write(row('a')));
    await nextTurn();
    expect(first.settled).toBe(true);
    const second = track(writer.write(row('b')));
    const third = track(writer.write(row('c')));
    expect(insertBatch).toHaveBeenCalledTimes(1);
    await nextTurn();
    expect(insertBatch).toHaveBeenCalledTimes(2);
    expect(ids(insertBatch.mock.calls[0][0])).toEqual(['a']);
    expect(ids(insertBatch.mock.calls[1][0])).toEqual(['b', 'c']);
    expect([second.settled, third.settled, second.error, third.error]).toEqual([true, true, null, null]);
  });

  it('an explicit flush commits what is queued now; the scheduled flush then has nothing to do', async () => {
    const insertBatch = vi.fn<(rows: PredictionRecord[]) => void>();
    const writer = new LogWriter(insertBatch);
    const p = writer.write(row('a'));
    writer.flush();
    expect(insertBatch).toHaveBeenCalledTimes(1);
    await p;
    await nextTurn();
    expect(insertBatch).toHaveBeenCalledTimes(1);
  });

  it('a batch failure does not leak into a batch queued after it', async () => {
    const insertBatch = vi.fn<(rows: PredictionRecord[]) => void>().mockImplementationOnce(() => {
      throw new Error('disk full');
    });
    const writer = new LogWriter(insertBatch);
    const bad = track(writer.write(row('a')));
    await nextTurn();
    const good = track(writer.write(row('b')));
    await nextTurn();
    expect(bad.error).toBeInstanceOf(Error);
    expect(good).toEqual({ settled: true, error: null });
  });

  describe('an insert refused as busy (another connection holds the lock)', () => {
    const busy = Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' });
    const retryable = (err: unknown) => (err as { code?: string }).code === 'SQLITE_BUSY';

    it('is tried again with what arrived meanwhile, in order, and the requests settle once it commits', async () => {
      let refusals = 5;
      const insertBatch = vi.fn<(rows: PredictionRecord[]) => void>().mockImplementation(() => {
        if (refusals-- > 0) throw busy;
      });
      const writer = new LogWriter(insertBatch, { retryable });
      const a = track(writer.write(row('a')));
      await nextTurn();
      expect(a.settled).toBe(false);
      const b = track(writer.write(row('b')));
      await vi.waitFor(() => expect(a.settled && b.settled).toBe(true));
      expect([a.error, b.error]).toEqual([null, null]);
      expect(insertBatch).toHaveBeenCalledTimes(6);
      expect(ids(insertBatch.mock.calls[5][0])).toEqual(['a', 'b']);
      expect(writer.pending).toBe(0);
    });

    it('never holds the event loop while it waits: timers run between the tries', async () => {
      let free = false;
      const insertBatch = vi.fn<(rows: PredictionRecord[]) => void>().mockImplementation(() => {
        if (!free) throw busy;
      });
      const writer = new LogWriter(insertBatch, { retryable });
      const a = track(writer.write(row('a')));
      const ticks: number[] = [];
      await new Promise<void>((resolve) => {
        const timer = setInterval(() => {
          ticks.push(insertBatch.mock.calls.length);
          if (ticks.length === 5) {
            clearInterval(timer);
            resolve();
          }
        }, 2);
      });
      expect(a.settled).toBe(false);
      // The writer kept trying while the timer ran.
      expect(ticks[4]).toBeGreaterThan(ticks[0]);
      free = true;
      await vi.waitFor(() => expect(a).toEqual({ settled: true, error: null }));
    });

    it('fails its requests with the last error after busyTimeoutMs, and the next batch starts afresh', async () => {
      let refuse = true;
      const insertBatch = vi.fn<(rows: PredictionRecord[]) => void>().mockImplementation(() => {
        if (refuse) throw busy;
      });
      const writer = new LogWriter(insertBatch, { retryable, busyTimeoutMs: 40 });
      const started = performance.now();
      await expect(writer.write(row('a'))).rejects.toBe(busy);
      expect(performance.now() - started).toBeGreaterThanOrEqual(40);
      expect(writer.pending).toBe(0);
      // The next batch is refused once more and still gets its own time: tried again, then committed.
      let once = true;
      insertBatch.mockImplementation(() => {
        if (once) {
          once = false;
          throw busy;
        }
      });
      refuse = false;
      await expect(writer.write(row('b'))).resolves.toBeUndefined();
      expect(ids(insertBatch.mock.calls.at(-1)![0])).toEqual(['b']);
    });

    it('the time limit is each request’s own: one written later goes on waiting, and commits once the lock is free', async () => {
      let refuse = true;
      const insertBatch = vi.fn<(rows: PredictionRecord[]) => void>().mockImplementation(() => {
        if (refuse) throw busy;
      });
      const writer = new LogWriter(insertBatch, { retryable, busyTimeoutMs: 60 });
      const a = track(writer.write(row('a')));
      await new Promise((r) => setTimeout(r, 30));
      const b = track(writer.write(row('b')));
      await vi.waitFor(() => expect(a.settled).toBe(true));
      expect(a.error).toBe(busy);
      expect(b.settled).toBe(false);
      refuse = false;
      await vi.waitFor(() => expect(b).toEqual({ settled: true, error: null }));
      expect(ids(insertBatch.mock.calls.at(-1)![0])).toEqual(['b']);
      expect(writer.pending).toBe(0);
    });

    it('at most maxWaiting requests wait while refused: one more fails at once with busyError, and those waiting still commit', async () => {
      let refuse = true;
      const insertBatch = vi.fn<(rows: PredictionRecord[]) => void>().mockImplementation(() => {
        if (refuse) throw busy;
      });
      const full = new Error('too many waiting');
      const busyError = vi.fn(() => full);
      const writer = new LogWriter(insertBatch, { retryable, maxWaiting: 3, busyError });
      // Before any refusal the cap does not apply: a turn may queue more than maxWaiting.
      const first = [1, 2, 3, 4].map((i) => track(writer.write(row(`a${i}`))));
      await nextTurn();
      expect(insertBatch).toHaveBeenCalledTimes(1);
      expect(first.every((t) => !t.settled)).toBe(true);
      // Refused, 4 wait (over the cap of 3): the next one fails at once, without waiting for a try.
      const tries = insertBatch.mock.calls.length;
      const b = track(writer.write(row('b')));
      await Promise.resolve();
      await Promise.resolve();
      // Failed without waiting for a try.
      expect(b).toEqual({ settled: true, error: full });
      expect(insertBatch.mock.calls.length).toBe(tries);
      expect(busyError).toHaveBeenCalledWith(busy);
      refuse = false;
      await vi.waitFor(() => expect(first.every((t) => t.settled)).toBe(true));
      expect(first.map((t) => t.error)).toEqual([null, null, null, null]);
      expect(insertBatch.mock.calls.flatMap((c) => ids(c[0]))).not.toContain('b');
      // Once committed the writer takes requests again.
      await expect(writer.write(row('c'))).resolves.toBeUndefined();
      expect(writer.pending).toBe(0);
    });

    it('a refusal followed by another error fails the batch with that error at once', async () => {
      const insertBatch = vi
        .fn<(rows: PredictionRecord[]) => void>()
        .mockImplementationOnce(() => {
          throw busy;
        })
        .mockImplementationOnce(() => {
          throw new Error('disk full');
        });
      const writer = new LogWriter(insertBatch, { retryable });
      await expect(writer.write(row('a'))).rejects.toThrow('disk full');
      expect(insertBatch).toHaveBeenCalledTimes(2);
      await expect(writer.write(row('b'))).resolves.toBeUndefined();
    });

    it('a flush while a refused batch waits for its retry joins that retry instead of starting another', async () => {
      let refusals = 6;
      const insertBatch = vi.fn<(rows: PredictionRecord[]) => void>().mockImplementation(() => {
        if (refusals-- > 0) throw busy;
      });
      const writer = new LogWriter(insertBatch, { retryable });
      const a = track(writer.write(row('a')));
      await nextTurn();
      expect(insertBatch).toHaveBeenCalledTimes(1);
      const flushes = [writer.flush(), writer.flush(), writer.flush()];
      expect(insertBatch).toHaveBeenCalledTimes(1);
      await Promise.all(flushes);
      expect(a).toEqual({ settled: true, error: null });
      // Six refusals and the commit: one chain of tries, not one per flush.
      expect(insertBatch).toHaveBeenCalledTimes(7);
    });

    it('an error that is not retryable fails the batch at once', async () => {
      const insertBatch = vi.fn<(rows: PredictionRecord[]) => void>().mockImplementationOnce(() => {
        throw new Error('disk full');
      });
      const writer = new LogWriter(insertBatch, { retryable });
      await expect(writer.write(row('a'))).rejects.toThrow('disk full');
      expect(insertBatch).toHaveBeenCalledTimes(1);
    });

    it('an explicit flush (shutdown) settles only once the refused batch has committed', async () => {
      let refusals = 4;
      const insertBatch = vi.fn<(rows: PredictionRecord[]) => void>().mockImplementation(() => {
        if (refusals-- > 0) throw busy;
      });
      const writer = new LogWriter(insertBatch, { retryable });
      const a = track(writer.write(row('a')));
      await writer.flush();
      expect(a).toEqual({ settled: true, error: null });
      expect(insertBatch).toHaveBeenCalledTimes(5);
    });
  });
});
