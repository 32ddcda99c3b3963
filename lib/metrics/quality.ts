// Data quality of live inputs against the version's reference profile: per feature, a value is
// missing (null, NaN, empty text, or not a number for a numeric feature), outside the reference's
// range [min, max] (numeric features), or a category the reference never had (categorical ones).
// Counted by the rollup fold per version × hour as u32 × features × 3, features in profile order.
import type { Cell, FeatureProfile } from './profile';

export const QUALITY_KINDS = ['missing', 'out_of_range', 'new_category'] as const;
export type QualityKind = (typeof QUALITY_KINDS)[number];
export const MISSING = 0;
export const OUT_OF_RANGE = 1;
export const NEW_CATEGORY = 2;

/** Below, above: compared in float64 and in float32, so a float32-logged copy of the reference's own min or max is inside. */
const below = (v: number, min: number) => v < min && Math.fround(v) < Math.fround(min);
const above = (v: number, max: number) => v > max && Math.fround(v) > Math.fround(max);

/** The issue a value has for its feature (MISSING, OUT_OF_RANGE, NEW_CATEGORY), or -1 when it has none. */
export function qualityIssue(f: FeatureProfile, v: Cell): number {
  if (v === null || v === '' || (typeof v === 'number' && !Number.isFinite(v))) return MISSING;
  if (f.kind === 'numeric') {
    if (typeof v !== 'number') return MISSING;
    if ((f.min !== undefined && below(v, f.min)) || (f.max !== undefined && above(v, f.max))) return OUT_OF_RANGE;
    return -1;
  }
  const categories = f.categories ?? [];
  if (categories.includes(String(v))) return -1;
  // A discrete numeric feature logged as float32 (0.1 reads back as 0.10000000149011612).
  if (typeof v === 'number' && categories.some((c) => Math.fround(Number(c)) === Math.fround(v))) return -1;
  return NEW_CATEGORY;
}

/** Adds a row's values (by feature position) to the counts of every profiled feature. */
export function addQuality(counts: Uint32Array, features: FeatureProfile[], row: Cell[]): void {
  features.forEach((f, k) => {
    const issue = qualityIssue(f, row[f.position] ?? null);
    if (issue >= 0) counts[k * 3 + issue]++;
  });
}

export interface FeatureQuality {
  feature: string;
  missing: number;
  out_of_range: number;
  new_category: number;
  /** Rows counted (the window's rows with quality counts). */
  rows: number;
}

/** The counts of each feature (profile order), read from a summed quality vector. */
export function featureQuality(features: FeatureProfile[], counts: ArrayLike<number>, rows: number): FeatureQuality[] {
  return features.map((f, k) => ({
    feature: f.name,
    missing: counts[k * 3] ?? 0,
    out_of_range: counts[k * 3 + 1] ?? 0,
    new_category: counts[k * 3 + 2] ?? 0,
    rows,
  }));
}

/** The worst rate over features and kinds (null without rows): what a policy's quality threshold judges. */
export function worstQuality(q: FeatureQuality[]): { feature: string; kind: QualityKind; count: number; rows: number; rate: number } | null {
  let worst: ReturnType<typeof worstQuality> = null;
  for (const f of q) {
    if (f.rows === 0) continue;
    for (const kind of QUALITY_KINDS) {
      const rate = f[kind] / f.rows;
      if (f[kind] > 0 && (worst === null || rate > worst.rate)) worst = { feature: f.feature, kind, count: f[kind], rows: f.rows, rate };
    }
  }
  return worst;
}

const WORDS: Record<QualityKind, string> = {
  missing: 'missing',
  out_of_range: 'outside the reference range',
  new_category: 'categories not in the reference',
};

/** "feature age: 7.1 % of values outside the reference range". */
export function qualityMessage(feature: string, kind: QualityKind, rate: number): string {
  const pct = (rate * 100).toFixed(1);
  return kind === 'new_category' ? `feature ${feature}: ${pct} % of values are ${WORDS[kind]}` : `feature ${feature}: ${pct} % of values ${WORDS[kind]}`;
}
