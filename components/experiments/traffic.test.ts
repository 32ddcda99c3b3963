import { describe, expect, it } from 'vitest';
import { checkSplit, currentChallenger, formatShare, initialRows, productionShares, roleOf } from './traffic';
import { resolveCompareView, compareSearch } from './compare-view';

const versions = (...ns: [number, boolean?][]) => ns.map(([number, archived = false]) => ({ number, archived }) as never);

describe('productionShares', () => {
  it('is null without production and 100 % of the champion without a split', () => {
    expect(productionShares({ aliases: {}, splits: {}, shadows: [], versions: [] })).toBeNull();
    expect(productionShares({ aliases: { production: 3 }, splits: {}, shadows: [], versions: [] })).toEqual([
      { version: 3, weight: 1, share: 1, champion: true },
    ]);
  });

  it('puts the champion first and turns weights into shares of their sum', () => {
    const s = productionShares({
      aliases: { production: 3 },
      splits: {
        production: [
          { version: 4, weight: 3 },
          { version: 3, weight: 7 },
        ],
      },
      shadows: [],
      versions: [],
    })!;
    expect(s.map((e) => [e.version, e.share, e.champion])).toEqual([
      [3, 0.7, true],
      [4, 0.3, false],
    ]);
  });
});

describe('formatShare', () => {
  it('prints whole and tenth percentages and marks tiny shares', () => {
    expect([formatShare(1), formatShare(0.3), formatShare(1 / 3), formatShare(0.0004), formatShare(0)]).toEqual(['100 %', '30 %', '33.3 %', '<0.1 %', '0 %']);
  });
});

describe('checkSplit', () => {
  it('accepts positive weights and previews their shares', () => {
    const c = checkSplit([
      { version: 3, weight: '70' },
      { version: 4, weight: '30' },
    ]);
    expect(c.ok).toBe(true);
    expect(c.shares).toEqual([0.7, 0.3]);
  });

  it('names each bad weight and leaves it out of the preview', () => {
    const c = checkSplit([
      { version: 3, weight: '' },
      { version: 4, weight: '0' },
      { version: 5, weight: 'x' },
      { version: 6, weight: '2e6' },
      { version: 7, weight: '5' },
    ]);
    expect(c.rows).toEqual(['Give a weight', 'Must be above 0', 'Must be a number', 'Must be at most 1,000,000', undefined]);
    expect(c.shares).toEqual([null, null, null, null, 1]);
    expect(c.ok).toBe(false);
  });

  it('needs two versions, each once', () => {
    expect(checkSplit([{ version: 3, weight: '1' }]).form).toMatch(/at least two/);
    expect(
      checkSplit([
        { version: 3, weight: '1' },
        { version: 3, weight: '1' },
      ]).form,
    ).toMatch(/only once/);
  });
});

describe('initialRows and roles', () => {
  const base = { aliases: { production: 2 }, splits: {}, shadows: [], versions: versions([1], [2], [3, true]) };
  it('starts a canary at 90/10 with the newest live other version (archived ones are skipped)', () => {
    expect(initialRows(base)).toEqual([
      { version: 2, weight: '90' },
      { version: 1, weight: '10' },
    ]);
  });

  it('edits the current split as it is', () => {
    expect(
      initialRows({
        ...base,
        splits: {
          production: [
            { version: 2, weight: 7 },
            { version: 1, weight: 3 },
          ],
        },
      }),
    ).toEqual([
      { version: 2, weight: '7' },
      { version: 1, weight: '3' },
    ]);
  });

  it('names each version’s role and the challenger (split first, then shadow)', () => {
    const split = {
      ...base,
      splits: {
        production: [
          { version: 2, weight: 7 },
          { version: 1, weight: 3 },
        ],
      },
      shadows: [3],
    };
    expect([roleOf(split, 2), roleOf(split, 1), roleOf(split, 3)]).toEqual(['production 70 %', 'canary 30 %', 'shadow']);
    expect(currentChallenger(split)).toBe(1);
    expect(currentChallenger({ ...base, shadows: [3] })).toBe(3);
    expect(currentChallenger(base)).toBeNull();
  });
});

describe('resolveCompareView', () => {
  const detail = { aliases: { production: 2 }, splits: {}, shadows: [4], versions: versions([1], [2], [3], [4]) };
  it('defaults to the champion against its challenger over 30 days', () => {
    expect(resolveCompareView(detail, {})).toEqual({ a: 2, b: 4, days: 30, bucket: 'day' });
    expect(resolveCompareView({ ...detail, shadows: [] }, {})).toEqual({ a: 2, b: 4, days: 30, bucket: 'day' });
    expect(
      resolveCompareView(
        {
          ...detail,
          splits: {
            production: [
              { version: 2, weight: 1 },
              { version: 1, weight: 1 },
            ],
          },
        },
        {},
      )!.b,
    ).toBe(1);
  });

  it('takes the URL’s versions when they exist, and refuses hour windows beyond 30 days', () => {
    expect(resolveCompareView(detail, { a: '3', b: '1', days: '7', bucket: 'hour' })).toEqual({ a: 3, b: 1, days: 7, bucket: 'hour' });
    expect(resolveCompareView(detail, { a: '9', b: 'x', days: '90', bucket: 'hour' })).toEqual({ a: 2, b: 4, days: 90, bucket: 'day' });
    expect(resolveCompareView(detail, { a: '4', b: '4' })).toEqual({ a: 4, b: 2, days: 30, bucket: 'day' });
    expect(compareSearch({ a: 3, b: 1, days: 7, bucket: 'hour' })).toBe('?a=3&b=1&days=7&bucket=hour');
  });

  it('is null with fewer than two versions', () => {
    expect(resolveCompareView({ ...detail, versions: versions([1]) }, {})).toBeNull();
  });
});
