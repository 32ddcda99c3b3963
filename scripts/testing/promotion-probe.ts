// Child entry of the promotion tests (inference/batcher.test.ts, lib/http/in-flight.test.ts): runs one
// structure under 64 concurrent callers the way the server does, forces two major GCs part way (so a
// long-lived collection's current table reaches the old generation), then runs 100 000 more calls
// between two marker lines. Run with --expose-gc --trace-gc-nvp: the parent (./promotion.ts)
// sums what the minor GCs between the markers promoted. Objects that die young are never promoted;
// objects a dead old table keeps alive are. Cases: batcher, in-flight, and their controls map-clear
// and set, which do what the code did before (so the tests show the probe sees the difference).
import type { ServerResponse } from 'node:http';
import { Tensor, type InferenceSession } from 'onnxruntime-node';
import { Batcher } from '../../inference/batcher';
import { InFlight } from '../../lib/http/in-flight';

// V8's gc(), which --expose-gc puts on the global object (read here, nothing stored there).
// eslint-disable-next-line no-restricted-syntax
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with --expose-gc');
const CALLS = 120_000;
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
    // 1 to 8 responses per caller, changing every 256 calls: 64 to 512 under way, so an array that
    // shrank and grew again would show here too.
    'in-flight': async () => {
      const mine = Array.from({ length: 1 + ((done >> 8) & 7) }, () => ({ rows: payload() }) as unknown as ServerResponse);
      for (const res of mine) registry.add(res);
      await turn();
      for (const res of mine) registry.delete(res);
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
