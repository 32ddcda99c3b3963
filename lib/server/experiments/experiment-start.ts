// Since when two versions have been in an experiment: the shadow or the production split that
// holds them now, followed back through its events to where it began (a re-weighted split, or a
// shadow list that gained a version, is the same experiment going on).

export interface TrafficEvent {
  ts: number;
  kind: string;
  detail: Record<string, unknown>;
}
export interface Experiment {
  kind: 'split' | 'shadow';
  started_at: string;
}

const splitVersions = (d: Record<string, unknown>): number[] =>
  Array.isArray(d.versions) ? (d.versions as { version?: unknown }[]).map((e) => Number(e?.version)) : [];
const shadowVersions = (d: Record<string, unknown>): number[] => (Array.isArray(d.versions) ? (d.versions as unknown[]).map(Number) : []);

/**
 * `events` newest first. A shadow experiment: one of a/b shadows production now; it began with the
 * oldest shadow_set of the unbroken run that lists it. A split: production is split now between
 * versions that include a and b; it began with the oldest split_set of the unbroken run that keeps both.
 */
export function experimentStart(events: TrafficEvent[], a: number, b: number, now: { shadows: number[]; productionSplit: number[] }): Experiment | null {
  const shadow = [b, a].find((v) => now.shadows.includes(v));
  if (shadow !== undefined) {
    let start: number | null = null;
    for (const e of events) {
      if (e.kind === 'shadow_ended') break;
      if (e.kind !== 'shadow_set') continue;
      if (!shadowVersions(e.detail).includes(shadow)) break;
      start = e.ts;
    }
    return start === null ? null : { kind: 'shadow', started_at: new Date(start).toISOString() };
  }
  if (now.productionSplit.includes(a) && now.productionSplit.includes(b)) {
    let start: number | null = null;
    for (const e of events) {
      if (e.detail.alias !== 'production') continue;
      if (e.kind === 'split_ended') break;
      if (e.kind !== 'split_set') continue;
      const versions = splitVersions(e.detail);
      if (!versions.includes(a) || !versions.includes(b)) break;
      start = e.ts;
    }
    return start === null ? null : { kind: 'split', started_at: new Date(start).toISOString() };
  }
  return null;
}
