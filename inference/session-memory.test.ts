// What a load is charged, the default budget and the session options: hand-computed.
import { describe, expect, it } from 'vitest';
import { accountedBytes, defaultBudgetBytes, servingSessionOptions } from './session-memory';

const GiB = 1024 ** 3;

describe('session memory', () => {
  it('charges a load its resident set growth less the parsed copy it freed, never less than the weights held', () => {
    expect(accountedBytes(28_700_000, 9_600_000, true)).toBe(19_200_000); // a clean load with prepacking: the floor, 2× the artifact
    expect(accountedBytes(40_000_000, 9_600_000, true)).toBe(30_400_000); // more than weights (e.g. a tree ensemble's own tables)
    expect(accountedBytes(19_400_000, 9_600_000, false)).toBe(9_800_000);
    expect(accountedBytes(0, 9_600_000, false)).toBe(9_600_000); // freed memory reused: growth reads low
    expect(accountedBytes(-4_000_000, 9_600_000, true)).toBe(19_200_000); // a collection ran during the load
  });

  it('defaults the budget to a quarter of the machine, or of a lower container limit', () => {
    expect(defaultBudgetBytes(24 * GiB, undefined)).toBe(6 * GiB);
    expect(defaultBudgetBytes(24 * GiB, 0)).toBe(6 * GiB);
    expect(defaultBudgetBytes(24 * GiB, 2 ** 64)).toBe(6 * GiB); // cgroup "max"
    expect(defaultBudgetBytes(24 * GiB, 4 * GiB)).toBe(1 * GiB);
  });

  it('turns the CPU arena off, and weight prepacking off unless asked', () => {
    expect(servingSessionOptions({ intraOpThreads: 1, prepackWeights: false })).toEqual({
      intraOpNumThreads: 1,
      interOpNumThreads: 1,
      executionMode: 'sequential',
      enableCpuMemArena: false,
      extra: { session: { disable_prepacking: '1' } },
    });
    expect(servingSessionOptions({ intraOpThreads: 2, prepackWeights: true })).toEqual({
      intraOpNumThreads: 2,
      interOpNumThreads: 1,
      executionMode: 'sequential',
      enableCpuMemArena: false,
    });
  });
});
