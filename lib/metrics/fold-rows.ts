// The rollup fold's inner loop for packed numeric rows (the prediction log's float32/float64
// codecs): every value of every profiled feature into its drift bins (addToSlots) and its data
// quality counts (addQuality), read straight from the packed array. Through Cell rows it cost
// 3.7 µs a row of 30 features — more than the bare server's whole request for 100 rows — since each
// row became an array of boxed values and each value went through two generic functions. The
// counts are exactly those of addToSlots and addQuality (tested against them): a category is found
// by its text in a map instead of indexOf and includes over the list, twice a value.
import { slotCount, type VersionProfile } from './profile';
import { MISSING as MISSING_KIND, NEW_CATEGORY as NEW_CATEGORY_KIND, OUT_OF_RANGE as OUT_OF_RANGE_KIND } from './quality';

// Plain constants: a module's import compiles to a property read through a getter on every use.
const MISSING = MISSING_KIND;
const OUT_OF_RANGE = OUT_OF_RANGE_KIND;
const NEW_CATEGORY = NEW_CATEGORY_KIND;

interface NumericFeature {
  position: number;
  /** Slot of the first fine bin; the decile bins follow at `decileBase`, the "other" slot at `other`. */
  base: number;
  decileBase: number;
  other: number;
  fine: EdgeIndex;
  deciles: EdgeIndex;
  /** Range of the reference (±Infinity when unknown), and its float32 copies. */
  min: number;
  max: number;
  min32: number;
  max32: number;
  quality: number;
}

interface CategoricalFeature {
  position: number;
  base: number;
  quality: number;
  /** The slot of each category (its index, as categories.indexOf finds it); "other" is `others`. */
  index: Map<string, number>;
  others: number;
  /** The categories read as float32 numbers: a float32-logged copy of one is not a new category (qualityIssue). */
  float32: Set<number>;
}

export interface RowFolder {
  /** Slots of the drift counts (u32), as laid out for the profile. */
  slots: number;
  /** Adds `rows` packed rows (row-major, `width` values each) to `counts` (drift) and `quality` (u32 × features × 3). */
  fold(values: Float32Array | Float64Array, rows: number, width: number, counts: Uint32Array, quality: Uint32Array): void;
}

/**
 * The bin of a value: the number of edges below it (profile.ts's binIndex). A binary search over 50
 * edges is six unpredictable branches a value; instead a grid of cells over [first edge, last edge]
 * gives where to start, and a step or two settles it (exact whatever the grid's rounding: it only
 * picks the start).
 */
class EdgeIndex {
  private readonly first: number;
  private readonly last: number;
  private readonly scale: number;
  private readonly start: Uint16Array;

  constructor(readonly edges: Float64Array) {
    const n = edges.length;
    this.first = n > 0 ? edges[0] : 0;
    this.last = n > 0 ? edges[n - 1] : 0;
    const cells = Math.max(1, n * 4);
    const span = this.last - this.first;
    this.scale = span > 0 && Number.isFinite(cells / span) ? cells / span : 0;
    this.start = new Uint16Array(cells + 1);
    let idx = 0;
    for (let c = 0; c <= cells; c++) {
      const low = this.first + c / (this.scale || 1);
      while (idx < n && edges[idx] < low) idx++;
      this.start[c] = idx;
    }
  }

  bin(v: number): number {
    const edges = this.edges;
    const n = edges.length;
    if (n === 0 || v <= this.first) return 0;
    if (v > this.last) return n;
    let i = this.start[Math.min(this.start.length - 1, Math.floor((v - this.first) * this.scale))];
    while (i > 0 && edges[i - 1] >= v) i--;
    while (i < n && edges[i] < v) i++;
    return i;
  }
}

/** The folder of a version's profile: drift slots in profile order (as rollup.ts lays them out). */
export function rowFolder(profile: VersionProfile): RowFolder {
  const numeric: NumericFeature[] = [];
  const categorical: CategoricalFeature[] = [];
  let slots = 0;
  profile.features.forEach((f, k) => {
    if (f.kind === 'numeric') {
      const fine = new EdgeIndex(Float64Array.from(f.fine!));
      const deciles = new EdgeIndex(Float64Array.from(f.deciles!));
      const min = f.min ?? -Infinity;
      const max = f.max ?? Infinity;
      numeric.push({
        position: f.position,
        base: slots,
        decileBase: slots + fine.edges.length + 1,
        other: slots + fine.edges.length + 1 + deciles.edges.length + 1,
        fine,
        deciles,
        min,
        max,
        min32: Math.fround(min),
        max32: Math.fround(max),
        quality: k * 3,
      });
    } else {
      const categories = f.categories!;
      const index = new Map<string, number>();
      categories.forEach((c, i) => {
        if (!index.has(c)) index.set(c, i);
      });
      categorical.push({
        position: f.position,
        base: slots,
        quality: k * 3,
        index,
        others: categories.length,
        float32: new Set(categories.map((c) => Math.fround(Number(c)))),
      });
    }
    slots += slotCount(f);
  });
  return {
    slots,
    fold(values, rows, width, counts, quality) {
      for (const f of numeric) {
        const { position, base, decileBase, other, fine, deciles, min, max, min32, max32 } = f;
        const q = f.quality;
        for (let r = 0, i = position; r < rows; r++, i += width) {
          const v = position < width ? values[i] : NaN;
          if (v - v !== 0) {
            // NaN or an infinity: the "other" slot, and missing.
            counts[other]++;
            quality[q + MISSING]++;
            continue;
          }
          counts[base + fine.bin(v)]++;
          counts[decileBase + deciles.bin(v)]++;
          if ((v < min && Math.fround(v) < min32) || (v > max && Math.fround(v) > max32)) quality[q + OUT_OF_RANGE]++;
        }
      }
      for (const f of categorical) {
        const { position, base, index, others, float32 } = f;
        const q = f.quality;
        for (let r = 0, i = position; r < rows; r++, i += width) {
          if (position >= width) {
            // No value: the "other" slot, and missing.
            counts[base + others]++;
            quality[q + MISSING]++;
            continue;
          }
          const v = values[i];
          const slot = index.get(String(v));
          counts[base + (slot === undefined ? others : slot)]++;
          if (v - v !== 0) quality[q + MISSING]++;
          else if (slot === undefined && !float32.has(Math.fround(v))) quality[q + NEW_CATEGORY]++;
        }
      }
    },
  };
}
