// A version's drift profile: per feature, the reference's bins and counts, computed once (at
// registration from the reference sample) and used to bin every logged row into hourly rollups.
// Numeric features get ~50 quantile bins (KS, Wasserstein) and decile bins (PSI); text features
// and numeric ones with ≤ 5 distinct values get category counts. Every layout ends in an "other" slot.

export type Cell = number | string | boolean | null;

export interface FeatureProfile {
  name: string;
  /** Position among the model's features (the order of a logged row's values). */
  position: number;
  kind: 'numeric' | 'categorical';
  /** Reference rows that had a value. */
  n: number;
  distinct: number;
  /** Numeric: inner edges (bins are right-closed: (e[i-1], e[i]]), reference counts, moments. */
  fine?: number[];
  fineCounts?: number[];
  deciles?: number[];
  decileCounts?: number[];
  std?: number;
  min?: number;
  max?: number;
  /** Categorical (or discrete numeric): the reference's values and counts; unseen values go to "other". */
  categories?: string[];
  categoryCounts?: number[];
}

export interface VersionProfile {
  source: 'reference' | 'traffic';
  rows: number;
  features: FeatureProfile[];
}

const FINE_BINS = 50;
const DISCRETE_MAX = 5;

/** Inner edges of `k` quantile bins of sorted values (type-7 quantiles), repeated edges collapsed. */
export function quantileEdges(sorted: number[], k: number): number[] {
  const edges: number[] = [];
  for (let i = 1; i < k; i++) {
    const pos = (i / k) * (sorted.length - 1);
    const lo = Math.floor(pos);
    const v = sorted[lo] + (sorted[Math.min(lo + 1, sorted.length - 1)] - sorted[lo]) * (pos - lo);
    if (edges.length === 0 || v > edges[edges.length - 1]) edges.push(v);
  }
  return edges;
}

/** The bin of `v` for right-closed bins over inner edges: the number of edges below v. */
export function binIndex(v: number, edges: number[]): number {
  let lo = 0;
  let hi = edges.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (edges[mid] < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Number of counters a feature takes in a rollup (its slots, then one "other"/missing slot). */
export function slotCount(f: FeatureProfile): number {
  return f.kind === 'numeric' ? f.fine!.length + 1 + f.deciles!.length + 1 + 1 : f.categories!.length + 1;
}

/** Adds one value to a feature's counters starting at `base`. */
export function addToSlots(counts: Uint32Array, base: number, f: FeatureProfile, v: Cell): void {
  if (f.kind === 'numeric') {
    const other = base + f.fine!.length + 1 + f.deciles!.length + 1;
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      counts[other]++;
      return;
    }
    counts[base + binIndex(v, f.fine!)]++;
    counts[base + f.fine!.length + 1 + binIndex(v, f.deciles!)]++;
    return;
  }
  const idx = v === null ? -1 : f.categories!.indexOf(String(v));
  counts[base + (idx < 0 ? f.categories!.length : idx)]++;
}

function profileColumn(name: string, position: number, values: Cell[], decileEdges: (sorted: number[]) => number[]): FeatureProfile {
  const present = values.filter((v): v is number | string | boolean => v !== null);
  const numeric = present.every((v) => typeof v === 'number');
  const distinctValues = [...new Set(present.map((v) => String(v)))];
  if (!numeric || distinctValues.length <= DISCRETE_MAX) {
    const categories = numeric ? distinctValues.sort((a, b) => Number(a) - Number(b)) : distinctValues.sort();
    const counts = categories.map(() => 0);
    for (const v of present) counts[categories.indexOf(String(v))]++;
    return { name, position, kind: 'categorical', n: present.length, distinct: categories.length, categories, categoryCounts: counts };
  }
  const sorted = (present as number[]).slice().sort((a, b) => a - b);
  const fine = quantileEdges(sorted, FINE_BINS);
  const deciles = decileEdges(sorted);
  const fineCounts = new Array<number>(fine.length + 1).fill(0);
  const decileCounts = new Array<number>(deciles.length + 1).fill(0);
  let sum = 0;
  for (const v of sorted) {
    fineCounts[binIndex(v, fine)]++;
    decileCounts[binIndex(v, deciles)]++;
    sum += v;
  }
  const mean = sum / sorted.length;
  const std = Math.sqrt(sorted.reduce((a, v) => a + (v - mean) ** 2, 0) / sorted.length);
  return {
    name,
    position,
    kind: 'numeric',
    n: sorted.length,
    distinct: distinctValues.length,
    fine,
    fineCounts,
    deciles,
    decileCounts,
    std,
    min: sorted[0],
    max: sorted[sorted.length - 1],
  };
}

/**
 * Builds the profile of the model's features (in input order) from rows of values. `columns` names
 * the rows' columns; features missing from them are left out of drift.
 */
export function buildProfile(
  source: VersionProfile['source'],
  features: string[],
  columns: string[],
  rows: Cell[][],
  decileEdges: (sorted: number[]) => number[],
): VersionProfile {
  const out: FeatureProfile[] = [];
  features.forEach((name, position) => {
    const c = columns.indexOf(name);
    if (c >= 0)
      out.push(
        profileColumn(
          name,
          position,
          rows.map((r) => r[c] ?? null),
          decileEdges,
        ),
      );
  });
  return { source, rows: rows.length, features: out };
}
