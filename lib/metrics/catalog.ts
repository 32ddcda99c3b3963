// Every metric a monitoring window computes, with its direction (is higher better?), how the
// policy's tolerance applies to it, and the interval the windows give it. Client-safe: the policy
// form, the charts and the verdict read the same table.

export type MetricTask = 'classification' | 'regression';

export interface MetricInfo {
  name: string;
  label: string;
  task: MetricTask;
  /** Accuracy, AUC, F1, R²: higher is better. Log loss and the error metrics: lower is better. */
  direction: 'higher' | 'lower';
  /**
   * How the tolerance moves the threshold from the baseline: absolute for scores on a fixed scale
   * (accuracy 0.85 − 0.05), relative for unbounded losses (RMSE 2.0 × (1 + 0.1)).
   */
  tolerance: 'absolute' | 'relative';
  /** The 95 % interval each window carries for it, in words; null: none (judged on its value). */
  interval: string | null;
  /** Only for binary models (ROC AUC needs the positive class's probability). */
  binaryOnly?: boolean;
  /** The class of a per-class metric (precision.churns → churns). */
  cls?: string;
}

type Base = Omit<MetricInfo, 'name' | 'cls'>;

const BASE: Record<string, Base> = {
  accuracy: { label: 'Accuracy', task: 'classification', direction: 'higher', tolerance: 'absolute', interval: 'Wilson score' },
  roc_auc: {
    label: 'ROC AUC',
    task: 'classification',
    direction: 'higher',
    tolerance: 'absolute',
    interval: 'Hanley–McNeil normal approximation',
    binaryOnly: true,
  },
  macro_f1: { label: 'Macro F1', task: 'classification', direction: 'higher', tolerance: 'absolute', interval: 'Poisson bootstrap of the confusion matrix' },
  macro_precision: {
    label: 'Macro precision',
    task: 'classification',
    direction: 'higher',
    tolerance: 'absolute',
    interval: 'Poisson bootstrap of the confusion matrix',
  },
  macro_recall: {
    label: 'Macro recall',
    task: 'classification',
    direction: 'higher',
    tolerance: 'absolute',
    interval: 'Poisson bootstrap of the confusion matrix',
  },
  log_loss: { label: 'Log loss', task: 'classification', direction: 'lower', tolerance: 'relative', interval: 'normal approximation of the mean' },
  rmse: { label: 'RMSE', task: 'regression', direction: 'lower', tolerance: 'relative', interval: 'χ² on the squared errors' },
  mae: { label: 'MAE', task: 'regression', direction: 'lower', tolerance: 'relative', interval: 'normal approximation of the mean' },
  mape: { label: 'MAPE', task: 'regression', direction: 'lower', tolerance: 'relative', interval: null },
  r2: { label: 'R²', task: 'regression', direction: 'higher', tolerance: 'absolute', interval: null },
};

const PER_CLASS: Record<string, Base> = {
  precision: { label: 'Precision', task: 'classification', direction: 'higher', tolerance: 'absolute', interval: 'Wilson score' },
  recall: { label: 'Recall', task: 'classification', direction: 'higher', tolerance: 'absolute', interval: 'Wilson score' },
  f1: { label: 'F1', task: 'classification', direction: 'higher', tolerance: 'absolute', interval: 'Poisson bootstrap of the confusion matrix' },
};

/** Names as scikit-learn and MLflow log them, read as ours when an offline baseline is looked up. */
const OFFLINE_ALIASES: Record<string, string[]> = {
  roc_auc: ['auc', 'roc_auc_score'],
  macro_f1: ['f1_macro', 'f1'],
  macro_precision: ['precision_macro'],
  macro_recall: ['recall_macro'],
  log_loss: ['logloss'],
  r2: ['r2_score'],
};

export const CLASSIFICATION_METRICS = ['accuracy', 'roc_auc', 'macro_f1', 'macro_precision', 'macro_recall', 'log_loss'] as const;
export const REGRESSION_METRICS = ['rmse', 'mae', 'mape', 'r2'] as const;
export const PER_CLASS_KINDS = ['precision', 'recall', 'f1'] as const;

/** What a metric name means, or null for a name no window computes. `precision.<class>` takes any class. */
export function metricInfo(name: string): MetricInfo | null {
  if (Object.hasOwn(BASE, name)) return { name, ...BASE[name] };
  const dot = name.indexOf('.');
  if (dot > 0) {
    const kind = name.slice(0, dot);
    const cls = name.slice(dot + 1);
    if (Object.hasOwn(PER_CLASS, kind) && cls.length > 0) return { name, ...PER_CLASS[kind], label: `${PER_CLASS[kind].label} (${cls})`, cls };
  }
  return null;
}

export const metricLabel = (name: string) => metricInfo(name)?.label ?? name;
export const higherIsBetter = (name: string) => metricInfo(name)?.direction !== 'lower';

/**
 * Why `name` cannot judge a model of `task` (with its declared labels), or null when it can. A
 * per-class metric must name a declared label when the model declares them.
 */
export function metricProblem(name: string, task: string, labels: string[] | null): string | null {
  const info = metricInfo(name);
  const kind = task === 'regression' ? 'regression' : 'classification';
  const choices = kind === 'regression' ? REGRESSION_METRICS.join(', ') : `${CLASSIFICATION_METRICS.join(', ')}, precision.<class>, recall.<class>, f1.<class>`;
  if (!info) return `is not a metric the windows compute; one of ${choices}`;
  if (info.task !== kind) return `a ${task.replace(/_/g, ' ')} model is judged on one of ${choices}`;
  if (info.binaryOnly && task !== 'binary_classification') return `${info.label} is computed for binary models only`;
  if (info.cls !== undefined && labels && !labels.includes(info.cls)) return `"${info.cls}" is not one of the model's labels (${labels.join(', ')})`;
  return null;
}

/** The metrics a model of `task` can be judged on, per-class ones for each of `classes`. */
export function metricsFor(task: string, classes: readonly string[]): string[] {
  if (task === 'regression') return [...REGRESSION_METRICS];
  const base = CLASSIFICATION_METRICS.filter((m) => !(BASE[m].binaryOnly && task !== 'binary_classification'));
  return [...base, ...PER_CLASS_KINDS.flatMap((k) => classes.map((c) => `${k}.${c}`))];
}

/**
 * Where the verdict draws the line: below baseline − tolerance for an absolute score, above
 * baseline × (1 + tolerance) for a relative loss (and mirrored for the other two combinations).
 */
export function thresholdFor(name: string, baseline: number, tolerance: number): number {
  const info = metricInfo(name);
  const higher = info?.direction !== 'lower';
  if (info?.tolerance === 'relative') return higher ? baseline * (1 - tolerance) : baseline * (1 + tolerance);
  return higher ? baseline - tolerance : baseline + tolerance;
}

/** The offline value of `name` among a version's upload metrics: its own name first, then the usual aliases. */
export function offlineMetric(metrics: Record<string, number>, name: string): number | null {
  for (const key of [name, ...(OFFLINE_ALIASES[name] ?? [])]) {
    const v = metrics[key];
    if (typeof v === 'number' && Number.isFinite(v)) return v;
  }
  return null;
}
