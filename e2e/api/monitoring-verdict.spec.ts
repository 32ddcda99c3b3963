// The retraining flag on 30 days of simulated traffic sent through the import API: a healthy model
// (live accuracy = its offline baseline) is never flagged, one whose accuracy drops by 0.15 from day
// 15 is flagged within two windows, with the reason spelled out; the overview agrees.
import { expect, test, type APIRequestContext } from '@playwright/test';
import { findInModelList } from './helpers';
import {
  binaryClass,
  binaryModel,
  binaryRow,
  DAY,
  daysAgo,
  importOk,
  iso,
  monitoring,
  other,
  seeded,
  shuffle,
  wilson,
  type ImportRecord,
  type MonitoringDto,
} from './monitoring-helpers';

const BASELINE = 0.85;
const DROP = 0.15;
/** Day d of the simulation starts 30 − d days ago: day 0 is 30 days ago, day 29 yesterday. */
const dayStart = (d: number) => daysAgo(30 - d);

interface Day {
  labeled: number;
  correct: number;
  count: number;
}

/** ~200 labeled rows a day (and 20 unlabeled), accuracy exactly round(target · n) / n, seeded. */
function simulate(seed: number, dropFrom: number | null): { records: ImportRecord[]; days: Day[] } {
  const random = seeded(seed);
  const records: ImportRecord[] = [];
  const days: Day[] = [];
  for (let d = 0; d < 30; d++) {
    const labeled = 190 + Math.floor(random() * 21);
    const target = dropFrom !== null && d >= dropFrom ? BASELINE - DROP : BASELINE;
    const correct = Math.round(target * labeled);
    const right = new Set(
      shuffle(
        Array.from({ length: labeled }, (_, i) => i),
        random,
      ).slice(0, correct),
    );
    for (let i = 0; i < labeled + 20; i++) {
      const inputs = binaryRow(random);
      const r: ImportRecord = { ts: dayStart(d) + Math.floor(random() * DAY), inputs };
      if (i < labeled) r.actual = right.has(i) ? binaryClass(inputs) : other(binaryClass(inputs));
      records.push(r);
    }
    days.push({ labeled, correct, count: labeled + 20 });
  }
  return { records, days };
}

/** The monitoring answer for every prefix of the 30 days: windows up to the end of day d. */
async function prefixes(request: APIRequestContext, name: string): Promise<MonitoringDto[]> {
  const out: MonitoringDto[] = [];
  for (let d = 0; d < 30; d++) out.push(await monitoring(request, name, { to: iso(dayStart(d) + DAY) }));
  return out;
}

async function simulatedModel(request: APIRequestContext, prefix: string, seed: number, dropFrom: number | null) {
  const name = await binaryModel(request, prefix, { metrics: { accuracy: BASELINE } });
  const { records, days } = simulate(seed, dropFrom);
  const answer = await importOk(request, name, 1, records);
  expect(answer.outcomes).toEqual({ accepted: days.reduce((a, d) => a + d.labeled, 0), updated: 0 });
  return { name, days };
}

function expectWindows(m: MonitoringDto, days: Day[], upTo: number) {
  expect(m.baseline).toEqual({ metric: 'accuracy', value: BASELINE, source: 'offline' });
  expect(m.series.at(-1)!.start).toBe(iso(dayStart(upTo)));
  const simulated = (w: { start: string }) => Date.parse(w.start) >= dayStart(0);
  const got = m.series.filter(simulated).map((w) => ({ start: w.start, count: w.count, labeled: w.labeled, accuracy: w.metrics.accuracy }));
  const want = days.slice(Math.max(0, upTo - 29), upTo + 1).map((day, k) => ({
    start: iso(dayStart(Math.max(0, upTo - 29) + k)),
    count: day.count,
    labeled: day.labeled,
    accuracy: expect.closeTo(day.correct / day.labeled, 12),
  }));
  expect(got, `windows up to day ${upTo}`).toEqual(want);
  expect(m.series.filter((w) => !simulated(w)).every((w) => w.count === 0 && w.labeled === 0)).toBe(true);
}

test('a healthy model (live accuracy = offline baseline) is never flagged on any prefix of 30 days', async ({ request }) => {
  const { name, days } = await simulatedModel(request, 'verdict-ok', 20261201, null);
  const answers = await prefixes(request, name);
  answers.forEach((m, d) => {
    expectWindows(m, days, d);
    expect(m.status.needs_retraining, `day ${d}: ${JSON.stringify(m.status)}`).toBe(false);
    expect(m.status.state, `day ${d}`).not.toBe('needs_retraining');
    expect(
      m.status.reasons.filter((r) => r.metric === 'accuracy'),
      `day ${d}`,
    ).toEqual([]);
  });
  expect(answers.filter((m) => m.status.needs_retraining)).toHaveLength(0);
  // The last 30 days (today included) and the overview agree.
  const now = await monitoring(request, name);
  expect(now.status.needs_retraining).toBe(false);
  expect((await findInModelList(request, name))!.needs_retraining).toBe(false);
});

test('accuracy down 0.15 from day 15 is flagged by day 17 at the latest, with the reason spelled out', async ({ request }) => {
  const { name, days } = await simulatedModel(request, 'verdict-drop', 20261202, 15);
  const answers = await prefixes(request, name);
  answers.forEach((m, d) => expectWindows(m, days, d));
  // Before the drop: never flagged, never an accuracy reason.
  for (let d = 0; d < 15; d++) {
    expect(answers[d].status.needs_retraining, `day ${d}: ${JSON.stringify(answers[d].status)}`).toBe(false);
    expect(
      answers[d].status.reasons.filter((r) => r.metric === 'accuracy'),
      `day ${d}`,
    ).toEqual([]);
  }
  // Day 15 alone is one bad window: watch, not flagged.
  expect(answers[15].status.state).toBe('watch');
  expect(answers[15].status.needs_retraining).toBe(false);
  expect(answers[15].status.reasons.find((r) => r.metric === 'accuracy')).toMatchObject({ since: iso(dayStart(15)) });

  // Flagged by the window of day 17 at the latest, and from then on.
  const firstFlag = answers.findIndex((m) => m.status.needs_retraining);
  expect([16, 17]).toContain(firstFlag);
  for (let d = 17; d < 30; d++) {
    expect(answers[d].status.state, `day ${d}`).toBe('needs_retraining');
    expect(answers[d].status.needs_retraining, `day ${d}`).toBe(true);
  }
  for (const d of [16, 17, 29]) {
    const m = answers[d];
    if (!m.status.needs_retraining) continue;
    const reason = m.status.reasons.find((r) => r.metric === 'accuracy');
    expect(reason, `day ${d}: ${JSON.stringify(m.status.reasons)}`).toBeDefined();
    const day = days[d];
    expect(reason!.window).toBe(iso(dayStart(d)));
    expect(reason!.value).toBeCloseTo(day.correct / day.labeled, 12);
    const [lo, hi] = wilson(day.correct, day.labeled);
    expect(reason!.interval![0]).toBeCloseTo(lo, 9);
    expect(reason!.interval![1]).toBeCloseTo(hi, 9);
    expect(reason!.baseline).toBe(BASELINE);
    expect(reason!.threshold).toBeCloseTo(BASELINE - 0.05, 12);
    expect(reason!.interval![1]).toBeLessThan(reason!.threshold);
    expect([iso(dayStart(15)), iso(dayStart(16))]).toContain(reason!.since);
    expect(reason!.message).toContain('accuracy');
  }

  // The last 30 days say the same, and so does the overview.
  const now = await monitoring(request, name);
  expect(now.status.needs_retraining).toBe(true);
  expect(now.status.reasons[0]).toMatchObject({ metric: 'accuracy', since: iso(dayStart(15)) });
  const listed = await findInModelList(request, name);
  expect(listed!.needs_retraining, 'the overview flag after traffic sent through the import API').toBe(true);
});
