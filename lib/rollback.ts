// Where a rollback of an alias goes: the version it came from when it last arrived at its current
// version by promotion (rollbacks themselves are skipped, so repeated rollbacks walk back 3 → 2 → 1).
// Client-safe: the UI labels its button with it and the server acts on it.

interface MoveLike {
  kind: string;
  detail: Record<string, unknown>;
}

/** `events` newest first. */
export function rollbackSource(events: MoveLike[], alias: string, current: number | undefined): number | null {
  if (current === undefined) return null;
  const arrival = events.find((e) => e.kind === 'alias_moved' && e.detail.alias === alias && e.detail.to === current && e.detail.reason !== 'rollback');
  return arrival && typeof arrival.detail.from === 'number' ? arrival.detail.from : null;
}
