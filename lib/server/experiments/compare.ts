// GET /api/v1/models/{name}/compare: champion (a) vs challenger (b) over a time range.
// Design: "paired" when one version's shadow rows copy the other's requests in the range (the same
// rows scored twice), else "independent" (a split, or two periods).
// - independent, accuracy: from the labeled rollups (never the raw log): Wilson per side, Newcombe's
//   hybrid interval of b − a, the pooled two-proportion z-test.
// - paired, accuracy: from the paired rows (shadow joined to its answered request, with the
//   outcome): McNemar (exact below 25 discordant pairs), Newcombe's paired interval, agreement over
//   all paired rows, labeled or not.
// - rmse: values and intervals from the rollups (independent) or the paired rows; the tests need
//   per-row squared errors the rollups do not keep, so Welch's t reads the range's labeled rows
//   (outcomes joined to their predictions), and the paired t the paired rows. RMSE_b − RMSE_a with a
//   delta-method interval.
// Latency per side from the rollups' histograms (a shadow's is its own run, queue wait excluded);
// in the paired design both sides read the paired requests only, so they cover the same requests.
// The default range of the page is "since the experiment began" (experiment-start.ts).
import { compareReads, type CompareReads } from '../../../db/queries/compare';
import { listShadows, listSplits } from '../../../db/queries/experiments';
import { parsePredictionId, predictionId } from '../../../db/queries/predictions';
import type { ModelRow, VersionRow } from '../../../db/schema';
import { AppError } from '../../errors';
import {
  addMoment,
  emptyMoments,
  isSignificant,
  mcnemar,
  newcombeDifference,
  pairedDifference,
  pairedN,
  pairedT,
  rmseDifference,
  twoProportionZ,
  welchT,
  type Moments,
  type PairedTable,
} from '../../metrics/compare';
import { wilson } from '../../metrics/intervals';
import { mergeLabeledStats } from '../../metrics/labeled-stats';
import { rmseInterval } from '../../metrics/regression';
import type { CompareDto, CompareQuery, CompareSide, MetricPoint } from '../../schemas/experiments';
import { listTrafficEvents } from '../../../db/queries/traffic-events';
import { bucketIndex, LATENCY_BUCKETS_MS } from '../../metrics/buckets';
import { db, requireModel, requireVersion } from '../lookups';
import { currentRollupReads } from '../monitoring/caught-up';
import { emptyWindow, latencyQuantiles, sumWindows, windowMetrics, windowRange, type WindowSum } from '../monitoring/windows';
import { experimentStart } from './experiment-start';

const iso = (ms: number) => new Date(ms).toISOString();
const NO_POINT: MetricPoint = { value: null, interval: null, labeled: 0 };

type Reads = CompareReads;

/** Accuracy or RMSE of a window summed from the rollups. */
function rollupPoint(task: string, w: WindowSum): MetricPoint {
  const m = windowMetrics(task, w.stats, w.labeled);
  const key = task === 'regression' ? 'rmse' : 'accuracy';
  const labeled = task === 'regression' ? (w.stats.reg?.n ?? 0) : w.labeled;
  return { value: m.metrics[key] ?? null, interval: m.interval[key] ?? null, labeled };
}

/** Right/total of a window's confusion matrix. */
function correctOf(w: WindowSum): { correct: number; n: number } {
  const m = w.stats.matrix;
  if (!m) return { correct: 0, n: 0 };
  let correct = 0;
  let n = 0;
  m.forEach((row, i) =>
    row.forEach((x, j) => {
      n += x;
      if (i === j) correct += x;
    }),
  );
  return { correct, n };
}

function total(windows: WindowSum[]): WindowSum {
  const out = emptyWindow(0);
  for (const w of windows) {
    out.count += w.count;
    w.latency.forEach((n, i) => {
      out.latency[i] += n;
    });
    out.labeled += w.labeled;
    mergeLabeledStats(out.stats, w.stats);
  }
  return out;
}

/** Squared errors of a version's labeled rows in the range (outcomes joined to their predictions). */
async function squaredErrors(reads: Reads, versionId: number, from: number, to: number): Promise<Moments> {
  const m = emptyMoments();
  const labeled = (await reads.outcomes(versionId, from, to)).flatMap((o) => {
    const ref = parsePredictionId(o.prediction_id);
    return ref && o.actual_value !== null ? [{ ref, actual: o.actual_value }] : [];
  });
  // Every request's outputs in one read (PostgreSQL: a round trip per statement, not per request).
  const outputs = await reads.outputs([...new Set(labeled.map((l) => l.ref.requestId))]);
  for (const { ref, actual } of labeled) {
    const values = outputs.get(ref.requestId);
    if (!values || ref.row * 8 >= values.length) continue;
    addMoment(m, (actual - values.readDoubleLE(ref.row * 8)) ** 2);
  }
  return m;
}

interface PairedSums {
  /** Latency bucket counts of the paired requests: a's side and b's side. */
  latencyA: number[];
  latencyB: number[];
  agree: number;
  pairs: number;
  table: PairedTable;
  /** Regression: squared errors of each side, their difference (b − a) and Σ e_a²·e_b². */
  sqA: Moments;
  sqB: Moments;
  diff: Moments;
  cross: number;
}

const emptyPaired = (): PairedSums => ({
  latencyA: emptyWindow(0).latency,
  latencyB: emptyWindow(0).latency,
  agree: 0,
  pairs: 0,
  table: { both: 0, aOnly: 0, bOnly: 0, neither: 0 },
  sqA: emptyMoments(),
  sqB: emptyMoments(),
  diff: emptyMoments(),
  cross: 0,
});

/** Reads the paired rows once, summing them per window and in total, in a/b orientation. */
async function readPaired(
  reads: Reads,
  task: string,
  shadow: VersionRow,
  primary: VersionRow,
  aIsPrimary: boolean,
  from: number,
  to: number,
  size: number,
): Promise<{ totals: PairedSums; windows: PairedSums[] }> {
  const actuals = new Map<string, string | number>();
  for (const o of await reads.outcomes(shadow.id, from, to)) actuals.set(o.prediction_id, o.actual_label ?? o.actual_value!);
  const totals = emptyPaired();
  const windows = Array.from({ length: Math.round((to - from) / size) }, emptyPaired);
  const regression = task === 'regression';
  await reads.paired(shadow.id, primary.id, from, to, (r) => {
    const w = windows[Math.floor((r.ts - from) / size)];
    const [la, lb] = aIsPrimary ? [r.p_latency, r.s_latency] : [r.s_latency, r.p_latency];
    totals.latencyA[bucketIndex(la / 1000, LATENCY_BUCKETS_MS)]++;
    totals.latencyB[bucketIndex(lb / 1000, LATENCY_BUCKETS_MS)]++;
    const sLabels = r.s_labels ? (JSON.parse(r.s_labels) as string[]) : null;
    const pLabels = r.p_labels ? (JSON.parse(r.p_labels) as string[]) : null;
    for (let i = 0; i < r.rows; i++) {
      const s: string | number | undefined = sLabels ? sLabels[i] : r.s_values && r.s_values.length >= (i + 1) * 8 ? r.s_values.readDoubleLE(i * 8) : undefined;
      const p: string | number | undefined = pLabels ? pLabels[i] : r.p_values && r.p_values.length >= (i + 1) * 8 ? r.p_values.readDoubleLE(i * 8) : undefined;
      if (s === undefined || p === undefined) continue;
      const [a, b] = aIsPrimary ? [p, s] : [s, p];
      const same = typeof a === 'number' && typeof b === 'number' ? Math.abs(a - b) <= 1e-6 * Math.max(Math.abs(a), Math.abs(b)) : a === b;
      const actual = actuals.get(predictionId(r.sid, i));
      for (const into of [totals, w]) {
        into.pairs++;
        if (same) into.agree++;
        if (actual === undefined) continue;
        if (regression && typeof actual === 'number' && typeof a === 'number' && typeof b === 'number') {
          const ea = (actual - a) ** 2;
          const eb = (actual - b) ** 2;
          addMoment(into.sqA, ea);
          addMoment(into.sqB, eb);
          addMoment(into.diff, eb - ea);
          into.cross += ea * eb;
        } else if (!regression) {
          const ra = a === actual;
          const rb = b === actual;
          if (ra && rb) into.table.both++;
          else if (ra) into.table.aOnly++;
          else if (rb) into.table.bOnly++;
          else into.table.neither++;
        }
      }
    }
  });
  return { totals, windows };
}

function pairedPoints(task: string, s: PairedSums): { a: MetricPoint; b: MetricPoint } {
  if (task === 'regression') {
    const point = (m: Moments): MetricPoint =>
      m.n === 0
        ? NO_POINT
        : {
            value: Math.sqrt(m.sum / m.n),
            interval: rmseInterval({ n: m.n, sqErr: m.sum, absErr: 0, absPctErr: 0, nearZero: 0, y: 0, y2: 0 }),
            labeled: m.n,
          };
    return { a: point(s.sqA), b: point(s.sqB) };
  }
  const n = pairedN(s.table);
  const point = (correct: number): MetricPoint => (n === 0 ? NO_POINT : { value: correct / n, interval: wilson(correct, n), labeled: n });
  return { a: point(s.table.both + s.table.aOnly), b: point(s.table.both + s.table.bOnly) };
}

function side(version: VersionRow, w: WindowSum, metric: MetricPoint, latency = w.latency, basis: CompareSide['latency_basis'] = 'request'): CompareSide {
  const q = latencyQuantiles(latency);
  return { version: version.number, count: w.count, labeled: metric.labeled, metric, latency_ms: { p50: q.p50, p95: q.p95, p99: q.p99 }, latency_basis: basis };
}

/** The running experiment of versions a and b of a model (the compare page's default range). */
export async function getExperiment(name: string, a: number, b: number) {
  return runningExperiment(await requireModel(name), a, b);
}

/** The split or shadow holding a and b now, and when it began. */
async function runningExperiment(model: ModelRow, a: number, b: number) {
  const [splits, shadows] = await Promise.all([listSplits(db(), [model.id]), listShadows(db(), [model.id])]);
  return experimentStart(await listTrafficEvents(db(), model.id), a, b, {
    shadows: shadows.get(model.id) ?? [],
    productionSplit: (splits.get(model.id)?.production ?? []).map((e) => e.version),
  });
}

export async function getCompare(name: string, q: CompareQuery): Promise<CompareDto> {
  const model = await requireModel(name);
  if (q.a === q.b) throw new AppError('invalid_input', 'b: must be another version than a', [{ path: 'b', message: 'same as a' }]);
  const va = await requireVersion(model, q.a, 'a');
  const vb = await requireVersion(model, q.b, 'b');
  const monitoring = await currentRollupReads();
  const experiment = await runningExperiment(model, q.a, q.b);
  const { from, to, size } = windowRange({ ...q, from: q.from === 'experiment' ? (experiment?.started_at ?? undefined) : q.from });
  const frame = { experiment, identical: va.sha256 === vb.sha256, from: iso(from), to: iso(to) };

  const reads = compareReads(db());
  const task = model.task;
  const metric = task === 'regression' ? 'rmse' : 'accuracy';
  const [windowsA, windowsB] = await Promise.all([sumWindows(monitoring, va.id, from, to, size), sumWindows(monitoring, vb.id, from, to, size)]);
  const totalA = total(windowsA);
  const totalB = total(windowsB);

  const bShadowsA = await reads.pairedExists(vb.id, va.id, from, to);
  const aShadowsB = !bShadowsA && (await reads.pairedExists(va.id, vb.id, from, to));
  if (bShadowsA || aShadowsB) {
    const [shadow, primary] = bShadowsA ? [vb, va] : [va, vb];
    const { totals, windows } = await readPaired(reads, task, shadow, primary, bShadowsA, from, to, size);
    const points = pairedPoints(task, totals);
    let difference: CompareDto['difference'] = null;
    let test: CompareDto['test'] = null;
    if (task === 'regression') {
      const n = totals.sqA.n;
      const cov = n >= 2 ? (totals.cross - (totals.sqA.sum * totals.sqB.sum) / n) / (n - 1) / n : 0;
      difference = rmseDifference(totals.sqA, totals.sqB, cov);
      const t = pairedT(totals.diff);
      test = t && { name: 'paired_t', statistic: t.statistic, p_value: t.p_value, significant: isSignificant(t.p_value) };
    } else if (pairedN(totals.table) > 0) {
      difference = pairedDifference(totals.table);
      const t = mcnemar(totals.table);
      test = { name: 'mcnemar', statistic: t.statistic, p_value: t.p_value, significant: isSignificant(t.p_value) };
    }
    return {
      ...frame,
      metric,
      design: 'paired',
      a: side(va, totalA, points.a, totals.latencyA, bShadowsA ? 'request' : 'model_run'),
      b: side(vb, totalB, points.b, totals.latencyB, bShadowsA ? 'model_run' : 'request'),
      difference,
      test,
      agreement: totals.pairs > 0 ? { rate: totals.agree / totals.pairs, n: totals.pairs } : null,
      series: windowsA.map((w, i) => {
        const p = pairedPoints(task, windows[i]);
        return { start: iso(w.start), a: { ...p.a, count: w.count }, b: { ...p.b, count: windowsB[i].count } };
      }),
    };
  }

  const pointA = rollupPoint(task, totalA);
  const pointB = rollupPoint(task, totalB);
  let difference: CompareDto['difference'] = null;
  let test: CompareDto['test'] = null;
  if (task === 'regression') {
    const sqA = await squaredErrors(reads, va.id, from, to);
    const sqB = await squaredErrors(reads, vb.id, from, to);
    difference = rmseDifference(sqA, sqB);
    const t = welchT(sqA, sqB);
    test = t && { name: 'welch_t', statistic: t.statistic, p_value: t.p_value, significant: isSignificant(t.p_value) };
  } else {
    const a = correctOf(totalA);
    const b = correctOf(totalB);
    difference = newcombeDifference(a.correct, a.n, b.correct, b.n);
    const t = twoProportionZ(a.correct, a.n, b.correct, b.n);
    test = t && { name: 'two_proportion_z', statistic: t.statistic, p_value: t.p_value, significant: isSignificant(t.p_value) };
  }
  return {
    ...frame,
    metric,
    design: 'independent',
    a: side(va, totalA, pointA),
    b: side(vb, totalB, pointB),
    difference,
    test,
    agreement: null,
    series: windowsA.map((w, i) => ({
      start: iso(w.start),
      a: { ...rollupPoint(task, w), count: w.count },
      b: { ...rollupPoint(task, windowsB[i]), count: windowsB[i].count },
    })),
  };
}
