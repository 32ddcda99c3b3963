// Child entry of the promotion tests (inference/batcher.test.ts, lib/http/in-flight.test.ts): runs one
// structure under 64 concurrent callers the way the server does, forces two major GCs part way (so a
// long-lived collection's current table reaches the old generation), then runs 180 000 more calls
// between two marker lines. Run with --expose-gc --trace-gc-nvp: the parent (inference/testing/promotion.ts)
// sums what the minor GCs between the markers promoted. Objects that die young are never promoted;
// objects a dead old table keeps alive are. Cases: batcher, in-flight, and their controls map-clear
// and set, which do what the code did before (so the tests show the probe sees the difference).
import type { ServerResponse } from 'node:http';
import { runInNewContext } from 'node:vm';
import { Tensor, type InferenceSession } from 'onnxruntime-node';
import { Batcher } from '../../inference/batcher';
import { InFlight } from '../../lib/http/in-flight';

// V8's gc(), exposed by --expose-gc on every context's global.
const gc = runInNewContext('typeof gc === "function" ? gc : undefined') as (() => void) | undefined;
if (!gc) throw new Error('run with --expose-gc');
const CALLS = 200_000;
const MEASURE_FROM = 20_000;
let done = 0;

/** What one request holds while it waits: an on-heap payload, as a parsed body would be. */
const payload = () => Array.from({ length: 30 }, (_, i) => ({ f: i * 1.5 }));
const turn = () => new Promise<void>((r) => setImmediate(r));

type Step = () => Promise<void>;
function cases(): Record<string, Step> {
  const session = {
    run: (feeds: Record<string, Tensor>) =>
      new Promise((r) => setImmediate(() => r({ y: new Tensor('float32', new Float32Array(feeds.x.size), feeds.x.dims) }))),
  } as unknown as InferenceSession;
  const batcher = new Batcher(64);
  const registry = new InFlight();
  const set = new Set<object>();
  const map = new Map<string, object[]>();
  let scheduled = false;
  return {
    batcher: async () => {
      const rows = payload();
      await batcher.run(
        'm',
        session,
        {
          x: new Tensor(
            'float32',
            Float32Array.from(rows, (r) => r.f),
            [1, 30],
          ),
        },
        1,
        ['y'],
      );
    },
    'in-flight': async () => {
      const res = { rows: payload() } as unknown as ServerResponse;
      registry.add(res);
      await turn();
      registry.delete(res);
    },
    set: async () => {
      const res = { rows: payload() };
      set.add(res);
      await turn();
      set.delete(res);
    },
    'map-clear': async () => {
      const jobs = map.get('m') ?? [];
      map.set('m', jobs);
      jobs.push(payload());
      if (!scheduled) {
        scheduled = true;
        setImmediate(() => {
          scheduled = false;
          map.clear();
        });
      }
      await turn();
    },
  };
}

const step = cases()[process.argv[2]];
if (!step) throw new Error(`unknown case ${process.argv[2]}`);
async function caller(): Promise<void> {
  while (done < CALLS) {
    await step();
    // Two major GCs in one tick: what is alive now survives twice, so it is promoted (one GC only ages it).
    if (++done === MEASURE_FROM) {
      gc!();
      gc!();
      process.stdout.write('promotion-probe: measuring\n');
    }
  }
}
void Promise.all(Array.from({ length: 64 }, caller)).then(() => process.stdout.write('promotion-probe: done\n'));
