// Synthetic churn traffic for the demo: 30 days, seeded, where from day 15 the customers change
// (more support calls, higher spend, fewer discounts) and so does what makes them churn; the model,
// fitted to the old world, drops from ~0.79 to ~0.60 accuracy.
import { DEMO_WEIGHTS } from './model';
import { seededRandom } from '../../random';

export const DEMO_FEATURES = ['tenure_months', 'monthly_spend', 'support_calls', 'age', 'discount'] as const;
type Weights = typeof DEMO_WEIGHTS;
const AFTER_DRIFT: Weights = { b: -2.2, tenure_months: -0.01, monthly_spend: 0.02, support_calls: 0.25, age: 0, discount: 0.6 };

export { seededRandom };

export interface DemoRow {
  inputs: number[];
  churns: boolean;
}

export function demoRows(random: () => number, n: number, drifted: boolean): DemoRow[] {
  const normal = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const poisson = (l: number) => {
    const L = Math.exp(-l);
    let k = 0;
    let p = 1;
    do {
      k++;
      p *= random();
    } while (p > L);
    return k - 1;
  };
  const w = drifted ? AFTER_DRIFT : DEMO_WEIGHTS;
  return Array.from({ length: n }, () => {
    const x = [
      Math.floor(1 + random() * 72),
      Math.round(Math.max(10, (drifted ? 95 : 70) + (drifted ? 25 : 20) * normal()) * 100) / 100,
      poisson(drifted ? 3 : 1.5),
      Math.round(Math.max(18, 45 + 12 * normal())),
      random() < (drifted ? 0.15 : 0.3) ? 1 : 0,
    ];
    const logit = w.b + w.tenure_months * x[0] + w.monthly_spend * x[1] + w.support_calls * x[2] + w.age * x[3] + w.discount * x[4];
    return { inputs: x, churns: random() < 1 / (1 + Math.exp(-logit)) };
  });
}

/** What the model predicts for a row (the same formula the ONNX graph computes). */
export function demoPredictsChurn(x: number[]): boolean {
  const w = DEMO_WEIGHTS;
  return w.b + w.tenure_months * x[0] + w.monthly_spend * x[1] + w.support_calls * x[2] + w.age * x[3] + w.discount * x[4] >= 0;
}
