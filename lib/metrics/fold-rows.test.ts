import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decileEdges } from './drift';
import { rowFolder } from './fold-rows';
import { addToSlots, buildProfile, slotCount, type Cell, type VersionProfile } from './profile';
import { addQuality } from './quality';

/** The general path: every row as Cells, through addToSlots and addQuality. */
function viaCells(profile: VersionProfile, values: Float32Array | Float64Array, rows: number, width: number) {
  const slots = profile.features.reduce((n, f) => n + slotCount(f), 0);
  const counts = new Uint32Array(slots);
  const quality = new Uint32Array(profile.features.length * 3);
  const offsets: number[] = [];
  let o = 0;
  for (const f of profile.features) {
    offsets.push(o);
    o += slotCount(f);
  }
  for (let r = 0; r < rows; r++) {
    const row: Cell[] = Array.from(values.subarray(r * width, (r + 1) * width));
    profile.features.forEach((f, k) => addToSlots(counts, offsets[k], f, row[f.position] ?? null));
    addQuality(quality, profile.features, row);
  }
  return { counts, quality };
}

function viaFolder(profile: VersionProfile, values: Float32Array | Float64Array, rows: number, width: number) {
  const folder = rowFolder(profile);
  const counts = new Uint32Array(folder.slots);
  const quality = new Uint32Array(profile.features.length * 3);
  folder.fold(values, rows, width, counts, quality);
  return { counts, quality };
}

const value = fc.oneof(
  { weight: 8, arbitrary: fc.double({ min: -1e6, max: 1e6, noNaN: true }) },
  { weight: 1, arbitrary: fc.constantFrom(NaN, Infinity, -Infinity, 0, -0, 1, 2, 3) },
  { weight: 2, arbitrary: fc.integer({ min: -3, max: 3 }) },
);

describe('rowFolder', () => {
  it('counts exactly what addToSlots and addQuality count, for numeric and discrete features, float32 and float64 (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 6 }),
        fc.array(fc.array(value, { minLength: 6, maxLength: 6 }), { minLength: 1, maxLength: 300 }),
        fc.array(fc.array(value, { minLength: 6, maxLength: 6 }), { minLength: 1, maxLength: 60 }),
        fc.boolean(),
        (width, reference, live, f32) => {
          // Reference values as the profile sees them (finite ones; a few discrete columns).
          const names = Array.from({ length: 6 }, (_, i) => `x${i}`);
          const refRows: Cell[][] = reference.map((r) => r.map((v, j) => (j === 5 ? Math.round(v) % 3 : Number.isFinite(v) ? v : null)));
          const profile = buildProfile('reference', names, names, refRows, decileEdges);
          // Live rows may be narrower than the profile (features past the width read as missing).
          const flat = live.flatMap((r) => r.slice(0, width));
          const values = f32 ? Float32Array.from(flat) : Float64Array.from(flat);
          expect(viaFolder(profile, values, live.length, width)).toEqual(viaCells(profile, values, live.length, width));
        },
      ),
      { numRuns: 400 },
    );
  });

  it('bins a value on an edge into the bin the edge closes, like binIndex', () => {
    const profile = buildProfile(
      'reference',
      ['a'],
      ['a'],
      Array.from({ length: 1000 }, (_, i) => [i / 10]),
      decileEdges,
    );
    const edges = profile.features[0].fine!;
    const values = Float64Array.from([...edges, edges[0] - 1, edges[edges.length - 1] + 1, ...edges.map((e) => e + 1e-9)]);
    expect(viaFolder(profile, values, values.length, 1)).toEqual(viaCells(profile, values, values.length, 1));
  });
});
