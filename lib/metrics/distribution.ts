// The distribution of a version's predictions in a rollup hour: counts per class, or the moments
// of regression values; hours and windows merge by addition.
export type PredictionDistribution = { classes: Record<string, number> } | { values: { sum: number; sum2: number; min: number; max: number } };

export function mergeDistribution(a: PredictionDistribution, b: PredictionDistribution): PredictionDistribution {
  if ('classes' in a && 'classes' in b) {
    const classes = { ...a.classes };
    for (const [k, n] of Object.entries(b.classes)) classes[k] = (classes[k] ?? 0) + n;
    return { classes };
  }
  if ('values' in a && 'values' in b) {
    return {
      values: {
        sum: a.values.sum + b.values.sum,
        sum2: a.values.sum2 + b.values.sum2,
        min: Math.min(a.values.min, b.values.min),
        max: Math.max(a.values.max, b.values.max),
      },
    };
  }
  return 'classes' in a && Object.keys(a.classes).length === 0 ? b : a;
}
