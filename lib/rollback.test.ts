// rollbackSource: where a rollback of an alias goes, walking back through promotions.
import { describe, expect, it } from 'vitest';
import { rollbackSource } from './rollback';

type Move = { kind: string; detail: Record<string, unknown> };
const move = (alias: string, from: number | null, to: number, reason?: string): Move => ({
  kind: 'alias_moved',
  detail: reason ? { alias, from, to, reason } : { alias, from, to },
});

describe('rollbackSource', () => {
  it('walks back 3 → 2 → 1 → nothing after promoting 1, 2, 3', () => {
    // Oldest first here; the function takes newest first.
    const log: Move[] = [move('prod', null, 1), move('prod', 1, 2), move('prod', 2, 3)];
    const newestFirst = () => [...log].reverse();

    let current = 3;
    const seen: (number | null)[] = [];
    for (;;) {
      const target = rollbackSource(newestFirst(), 'prod', current);
      seen.push(target);
      if (target === null) break;
      log.push(move('prod', current, target, 'rollback'));
      current = target;
    }
    expect(seen).toEqual([2, 1, null]);
  });

  it("ignores other aliases' moves and other kinds of events", () => {
    const events: Move[] = [
      move('staging', 5, 3), // staging also arrived at 3, from 5
      { kind: 'version_archived', detail: { alias: 'prod', to: 3, from: 9 } },
      move('prod', 2, 3),
      move('staging', 1, 2),
      move('prod', null, 2),
    ];
    expect(rollbackSource(events, 'prod', 3)).toBe(2);
    expect(rollbackSource(events, 'staging', 3)).toBe(5);
  });

  it('uses the latest promotion when the alias arrived at the same version twice', () => {
    const events = [move('prod', 4, 2), move('prod', 2, 4), move('prod', 1, 2)];
    expect(rollbackSource(events, 'prod', 2)).toBe(4);
  });

  it('returns null for an alias that does not exist or has no recorded arrival', () => {
    expect(rollbackSource([move('prod', 1, 2)], 'prod', undefined)).toBeNull();
    expect(rollbackSource([move('prod', 1, 2)], 'prod', 7)).toBeNull();
    expect(rollbackSource([], 'prod', 1)).toBeNull();
  });

  it('returns null when the alias was created at its current version', () => {
    expect(rollbackSource([move('prod', null, 1)], 'prod', 1)).toBeNull();
  });
});
