// The registry's pure rules and event wordings, shared by both dialects' repositories
// (db/queries/* on SQLite, db/pg/queries/* on PostgreSQL), so each is written once.
import type { EventKind, VersionRow } from '../schema';
import type { AliasMove } from './aliases';
import type { NewSplit, SplitEntry } from './experiments';

/** The detail of an alias_moved event. */
export function aliasMovedDetail(m: AliasMove, from: number | null): Record<string, unknown> {
  const detail: Record<string, unknown> = { alias: m.alias, from, to: m.versionNumber };
  if (m.reason) detail.reason = m.reason;
  // A promotion past the guard (inputs or classes differ from the version it replaces).
  if (m.forced) {
    detail.forced = true;
    detail.differences = m.forced;
  }
  // The user's own words; `reason` keeps its machine meaning ('rollback').
  if (m.comment) detail.comment = m.comment;
  return detail;
}

/** Which entry becomes the alias's champion: the version it points at (`from`) when listed, else the heaviest, first listed on ties. */
export function championIndex(entries: SplitEntry[], from: number | null): number {
  let at = entries.findIndex((e) => e.version === from);
  if (at < 0) {
    at = 0;
    entries.forEach((e, i) => {
      if (e.weight > entries[at].weight) at = i;
    });
  }
  return at;
}

/** The detail of a split_set event: the split as given, where the alias was, its champion, the split it replaced. */
export function splitSetDetail(s: NewSplit, entries: SplitEntry[], from: number | null, champion: number, previous: SplitEntry[]): Record<string, unknown> {
  return {
    alias: s.alias,
    versions: entries,
    from,
    champion,
    previous: previous.length ? previous : null,
    ...(s.forced ? { forced: true, differences: s.forced } : {}),
    ...(s.comment ? { comment: s.comment } : {}),
  };
}

/** Why a version cannot be archived now (experimentHoldIn's words): the aliases whose split holds the version, whether it is a shadow. */
export function experimentHold(splitAliases: string[], shadow: boolean): string | null {
  if (splitAliases.length) return `is in the traffic split of ${[...new Set(splitAliases)].join(', ')}; end the split first`;
  if (shadow) return 'is a shadow of production; end the shadow first';
  return null;
}

/** Why a version's feature names cannot change (shadowPairHold's words): the version is a shadow, or it serves production while production has shadows. */
export function shadowPairWords(row: VersionRow, side: 'shadow' | 'production'): string {
  return side === 'shadow'
    ? `version ${row.number} is a shadow of production and takes production's columns in production's order; end the shadow first`
    : `version ${row.number} serves production, whose shadow versions take its columns in its order; end the shadows first`;
}

/** The kinds that start, change or end a split or a shadow (and alias moves, which end a split). */
export const TRAFFIC_EVENT_KINDS: EventKind[] = ['split_set', 'split_ended', 'shadow_set', 'shadow_ended', 'alias_moved'];
