// Production's traffic as the UI reads it (the champion, the split's shares, the shadows), and the
// split editor's rules, which mirror lib/schemas/experiments.ts so mistakes show before a request.
import type { ModelDetailDto } from '@/lib/schemas/registry';

export interface TrafficShare {
  version: number;
  weight: number;
  share: number;
  champion: boolean;
}

/** Version colours in the split bar and the comparison: the champion first, challengers after. */
export const SHARE_COLORS = ['#0f172a', '#0284c7', '#d97706', '#7c3aed', '#059669', '#e11d48', '#0d9488', '#c026d3', '#475569', '#65a30d'];

export const MAX_SPLIT_VERSIONS = 10;
export const MAX_SHADOWS = 5;
export const MAX_WEIGHT = 1_000_000;

type Detail = Pick<ModelDetailDto, 'aliases' | 'splits' | 'shadows' | 'versions'>;

/** Production's shares, champion first; one entry at 100 % when it is not split; null when unset. */
export function productionShares(detail: Detail): TrafficShare[] | null {
  const champion = detail.aliases.production;
  if (champion === undefined) return null;
  const split = detail.splits?.production;
  if (!split || split.length === 0) return [{ version: champion, weight: 1, share: 1, champion: true }];
  return shares(split, champion);
}

export function shares(entries: { version: number; weight: number }[], champion: number): TrafficShare[] {
  const total = entries.reduce((s, e) => s + e.weight, 0);
  return [...entries]
    .sort((x, y) => Number(y.version === champion) - Number(x.version === champion) || y.weight - x.weight || x.version - y.version)
    .map((e) => ({ ...e, share: total > 0 ? e.weight / total : 0, champion: e.version === champion }));
}

/** 0.3 → "30 %", 1/3 → "33.3 %", 0.0004 → "<0.1 %". */
export function formatShare(share: number): string {
  if (share > 0 && share < 0.001) return '<0.1 %';
  const pct = Math.round(share * 1000) / 10;
  return `${pct} %`;
}

export function isSplit(detail: Detail): boolean {
  return (detail.splits?.production?.length ?? 0) > 1;
}

/** What a version does for production traffic: "production", "canary 30 %", "shadow", or null. */
export function roleOf(detail: Detail, version: number): string | null {
  const list = productionShares(detail);
  const entry = list?.find((e) => e.version === version);
  if (entry?.champion) return list!.length > 1 ? `production ${formatShare(entry.share)}` : 'production';
  if (entry) return `canary ${formatShare(entry.share)}`;
  if (detail.shadows?.includes(version)) return 'shadow';
  return null;
}

/** Versions a split or a shadow may use: not archived, newest first. */
export function liveVersions(detail: Detail): number[] {
  return detail.versions
    .filter((v) => !v.archived)
    .map((v) => v.number)
    .sort((a, b) => b - a);
}

// ---- The split editor ---------------------------------------------------------------------------

/** A row as typed: the weight stays text until sent, so "" and "abc" can be told apart from 0. */
export interface SplitRow {
  version: number;
  weight: string;
}

export interface SplitCheck {
  /** Per row: what is wrong with its weight. */
  rows: (string | undefined)[];
  /** What is wrong with the split as a whole. */
  form?: string;
  /** The shares to preview (null where a weight is not a valid number). */
  shares: (number | null)[];
  ok: boolean;
}

export function parseWeight(text: string): number | null {
  if (text.trim() === '') return null;
  const n = Number(text);
  return Number.isFinite(n) ? n : null;
}

export function checkSplit(rows: SplitRow[]): SplitCheck {
  const errors = rows.map((r): string | undefined => {
    const w = parseWeight(r.weight);
    if (r.weight.trim() === '') return 'Give a weight';
    if (w === null) return 'Must be a number';
    if (w <= 0) return 'Must be above 0';
    if (w > MAX_WEIGHT) return `Must be at most ${MAX_WEIGHT.toLocaleString('en-GB')}`;
    return undefined;
  });
  let form: string | undefined;
  if (rows.length < 2) form = 'Add a challenger: a split needs at least two versions.';
  else if (rows.length > MAX_SPLIT_VERSIONS) form = `A split can share traffic among at most ${MAX_SPLIT_VERSIONS} versions.`;
  else if (new Set(rows.map((r) => r.version)).size !== rows.length) form = 'Each version can appear only once.';
  const valid = rows.map((r, i) => (errors[i] ? null : parseWeight(r.weight)));
  const total = valid.reduce<number>((s, w) => s + (w ?? 0), 0);
  const sharesOf = valid.map((w) => (w === null || total <= 0 ? null : w / total));
  return { rows: errors, form, shares: sharesOf, ok: !form && errors.every((e) => !e) };
}

/**
 * The editor's starting rows: the current split, or the champion at 90 and the newest other live
 * version at 10 (a typical first canary).
 */
export function initialRows(detail: Detail): SplitRow[] {
  const current = productionShares(detail);
  if (!current) return [];
  if (current.length > 1) return current.map((e) => ({ version: e.version, weight: String(e.weight) }));
  const champion = current[0].version;
  const challenger = liveVersions(detail).find((v) => v !== champion);
  return challenger === undefined
    ? [{ version: champion, weight: '100' }]
    : [
        { version: champion, weight: '90' },
        { version: challenger, weight: '10' },
      ];
}

/**
 * The version production is being compared with: the split's largest other share, else the first
 * shadow; null when production has no challenger.
 */
export function currentChallenger(detail: Detail): number | null {
  const list = productionShares(detail);
  const other = list?.find((e) => !e.champion);
  if (other) return other.version;
  return detail.shadows?.[0] ?? null;
}
