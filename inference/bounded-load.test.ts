// introspectBounded / probeLoad: the first load in a memory-limited child gives the same signature
// as an in-process load, refuses what the runtime refuses, and catches a fold the estimate misses.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { introspectBounded, loadMemoryLimit, probeLoad } from './bounded-load';
import { DEFAULT_MAX_CONSTANT_BYTES, FoldBombError } from './fold-estimate';
import { introspect, ModelLoadError } from './runtime';

const FIXTURES = join(__dirname, '..', 'e2e', 'fixtures', 'models');
const path = (name: string) => join(FIXTURES, name);
const fixture = (name: string) => new Uint8Array(readFileSync(path(name)));
const limits = { maxConstantBytes: DEFAULT_MAX_CONSTANT_BYTES };
const MB = 2 ** 20;

async function loadError(promise: Promise<unknown>): Promise<Error> {
  return promise.then(
    () => {
      throw new Error('expected the load to be refused');
    },
    (err: unknown) => err as Error,
  );
}

describe('introspectBounded', () => {
  it.each(['regressor.onnx', 'skl-zipmap.onnx', 'skl-dataframe.onnx', 'dynamic-reshape.onnx'])('%s: the same signature as an in-process load', async (name) => {
    expect(await introspectBounded(path(name), fixture(name), limits)).toEqual(await introspect(fixture(name)));
  });

  it('costs about one node start per upload, measured against an in-process load', async () => {
    const bytes = fixture('regressor.onnx');
    await introspect(bytes); // the binding is loaded once per process
    const times = { inProcess: [] as number[], bounded: [] as number[] };
    for (let i = 0; i < 5; i++) {
      let t = performance.now();
      await introspect(bytes);
      times.inProcess.push(performance.now() - t);
      t = performance.now();
      await introspectBounded(path('regressor.onnx'), bytes, limits);
      times.bounded.push(performance.now() - t);
    }
    const median = (xs: number[]) => xs.sort((a, b) => a - b)[2];
    console.log(
      `[bounded-load] regressor.onnx: in-process ${median(times.inProcess).toFixed(1)} ms, bounded child ${median(times.bounded).toFixed(1)} ms (medians of 5)`,
    );
    expect(median(times.bounded) - median(times.inProcess)).toBeLessThan(1_000);
  });

  it("refuses unknown-op.onnx with the runtime's description", async () => {
    const err = await loadError(introspectBounded(path('unknown-op.onnx'), fixture('unknown-op.onnx'), limits));
    expect(err).toBeInstanceOf(ModelLoadError);
    expect(err.message).toMatch(/^onnxruntime could not load the model: This is an invalid model\. .*No Op registered for FrobnicateTensor/);
  });

  it('refuses a fold bomb in this process, by the estimate, before starting a child', async () => {
    const started = performance.now();
    const err = await loadError(introspectBounded(path('fold-tile.onnx'), fixture('fold-tile.onnx'), limits));
    expect(err).toBeInstanceOf(FoldBombError);
    expect(performance.now() - started).toBeLessThan(100);
  });

  it('refuses fold-contrib-shape.onnx, which the estimate cannot see, when the runtime fails to fold it in the child', async () => {
    const err = await loadError(introspectBounded(path('fold-contrib-shape.onnx'), fixture('fold-contrib-shape.onnx'), limits));
    expect(err).toBeInstanceOf(ModelLoadError);
    // 256 MiB + 6 × 402 bytes + 2 × 256 MiB, shown rounded.
    expect(err.message).toBe(
      'loading the model takes more than the 768 MiB a first load may use: ' +
        'constant folding of node "ConstantOfShape_big" (ConstantOfShape) ran out of memory (MAX_CONSTANT_MB)',
    );
  });
});

describe('probeLoad', () => {
  it('refuses the fold bombs themselves too, when the estimate is skipped', async () => {
    for (const name of ['fold-constant-of-shape.onnx', 'fold-tile.onnx']) {
      const err = await loadError(probeLoad(path(name), 512 * MB));
      expect(err.message, name).toMatch(/^loading the model takes more than the 512 MiB a first load may use: constant folding of node "\w+_big"/);
    }
  });

  it('says the process ended when the limit leaves no room for the runtime at all', async () => {
    // node itself needs ~64 MiB: at 48 it aborts (at 32 or less it hangs, which the timeout ends).
    const err = await loadError(probeLoad(path('regressor.onnx'), 48 * MB));
    expect(err).toBeInstanceOf(ModelLoadError);
    expect(err.message).toMatch(
      /^onnxruntime could not load the model within the 48.0 MiB a first load may use \(its process (ended with SIG\w+|exited with code \d+)\)$/,
    );
  });

  it('blames the setup, not the model, when the probe cannot start (a server started away from the project folder)', async () => {
    const cwd = vi.spyOn(process, 'cwd').mockReturnValue('/nonexistent');
    try {
      const err = await loadError(probeLoad(path('regressor.onnx'), 512 * MB));
      expect(err).not.toBeInstanceOf(ModelLoadError); // a 500, logged, instead of a 422 for every upload
      expect(err.message).toMatch(/^the load probe could not start: .*\/nonexistent\/inference\/load-probe\.mjs/s);
    } finally {
      cwd.mockRestore();
    }
  });

  it('gives up after the timeout', async () => {
    const err = await loadError(probeLoad(path('regressor.onnx'), 512 * MB, 1));
    expect(err.message).toBe('onnxruntime took longer than 0.001 s to load the model');
  });
});

describe('loadMemoryLimit', () => {
  it('is 256 MiB plus 6 × the file plus twice the fold allowance', () => {
    expect(loadMemoryLimit(100 * MB, 256 * MB) / MB).toBe(256 + 600 + 512);
  });
});
