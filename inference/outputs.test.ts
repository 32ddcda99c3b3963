// planOutputs (which outputs answer the task) and interpretOutputs (tensors → per-row answers),
// with probabilities, softmax and sigmoid worked out by hand.
import { Tensor } from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { interpretOutputs, type OutputPlan, planOutputs, type RowAnswer, type Task } from './outputs';
import type { OutputSpec, TensorSpec } from './signature';

const spec = (name: string, dtype: string, shape: (number | string)[] | null, is_tensor = true): TensorSpec => ({ name, dtype, shape, is_tensor });
const f32 = (values: number[], dims: number[]) => new Tensor('float32', Float32Array.from(values), dims);
const i64 = (values: bigint[], dims: number[]) => new Tensor('int64', BigInt64Array.from(values), dims);

function plan(task: Task, outputs: TensorSpec[]): OutputPlan {
  const p = planOutputs(task, outputs);
  if ('error' in p) throw new Error(`expected a plan, got: ${p.error}`);
  return p;
}

function answers(p: OutputPlan, results: Record<string, Tensor>, rows: number, labels: string[] | null = null, output: OutputSpec | null = null): RowAnswer[] {
  return interpretOutputs(p, results, rows, { labels, output });
}

/** Compares probabilities to 12 decimals (they come out of exp and division). */
function expectProbabilities(actual: Record<string, number> | null, expected: Record<string, number>) {
  expect(actual).not.toBeNull();
  expect(Object.keys(actual!)).toEqual(Object.keys(expected));
  for (const k of Object.keys(expected)) expect(actual![k]).toBeCloseTo(expected[k], 12);
}

const LABEL = spec('output_label', 'int64', ['N']);
const PROBS = spec('output_probability', 'float32', ['N', 2]);
const ZIPMAP = spec('output_probability', 'non_tensor', null, false);

describe('planOutputs', () => {
  it('regression reads the float output', () => {
    expect(planOutputs('regression', [spec('variable', 'float32', ['N', 1])])).toEqual({
      task: 'regression',
      fetch: ['variable'],
      label: null,
      scores: null,
      value: 'variable',
    });
  });

  it('regression skips non-float outputs', () => {
    expect(planOutputs('regression', [spec('idx', 'int64', ['N']), spec('y', 'float64', ['N'])])).toEqual({
      task: 'regression',
      fetch: ['y'],
      label: null,
      scores: null,
      value: 'y',
    });
  });

  it('regression without a float output is an error', () => {
    expect(planOutputs('regression', [spec('idx', 'int64', ['N'])])).toEqual({
      error: 'a regression model needs a float output (e.g. variable [N, 1])',
    });
  });

  it('a classifier with label and probabilities fetches both', () => {
    expect(planOutputs('binary_classification', [LABEL, PROBS])).toEqual({
      task: 'binary_classification',
      fetch: ['output_label', 'output_probability'],
      label: 'output_label',
      scores: 'output_probability',
      value: null,
    });
  });

  it('a [N, 1] int label counts as a label', () => {
    expect(plan('multiclass_classification', [spec('lab', 'int32', ['N', 1])]).label).toBe('lab');
  });

  it('ZipMap (non-tensor) probabilities are skipped: label only', () => {
    expect(planOutputs('multiclass_classification', [LABEL, ZIPMAP])).toEqual({
      task: 'multiclass_classification',
      fetch: ['output_label'],
      label: 'output_label',
      scores: null,
      value: null,
    });
  });

  it('raw logits alone are the scores', () => {
    expect(planOutputs('binary_classification', [spec('logits', 'float32', ['batch', 2])])).toEqual({
      task: 'binary_classification',
      fetch: ['logits'],
      label: null,
      scores: 'logits',
      value: null,
    });
  });

  it('no tensor outputs at all is an error', () => {
    expect(planOutputs('binary_classification', [ZIPMAP])).toEqual({
      error: 'the model has no tensor outputs onnxruntime-node can return',
    });
  });

  it('a classifier with neither a label vector nor a float score is an error', () => {
    expect(planOutputs('multiclass_classification', [spec('lab', 'int64', ['N', 3]), spec('emb', 'float32', ['N', 2, 8])])).toEqual({
      error: 'a classifier needs a label output (int/string [N]) or a score output (float [N, C])',
    });
  });
});

describe('interpretOutputs: regression', () => {
  it('[N, 1] gives one number per row', () => {
    const p = plan('regression', [spec('variable', 'float32', ['N', 1])]);
    expect(answers(p, { variable: f32([6.5, -0.5], [2, 1]) }, 2)).toEqual([
      { prediction: 6.5, probabilities: null },
      { prediction: -0.5, probabilities: null },
    ]);
  });

  it('[N] gives one number per row', () => {
    const p = plan('regression', [spec('y', 'float32', ['N'])]);
    expect(answers(p, { y: f32([1.25, 2], [2]) }, 2).map((a) => a.prediction)).toEqual([1.25, 2]);
  });

  it('[N, K] gives K numbers per row', () => {
    const p = plan('regression', [spec('y', 'float32', ['N', 3])]);
    expect(answers(p, { y: f32([1, 2, 3, 4, 5, 6], [2, 3]) }, 2)).toEqual([
      { prediction: [1, 2, 3], probabilities: null },
      { prediction: [4, 5, 6], probabilities: null },
    ]);
  });
});

describe('interpretOutputs: label and probabilities', () => {
  const p = plan('binary_classification', [LABEL, PROBS]);
  const results = { output_label: i64([1n, 0n], [2]), output_probability: f32([0.25, 0.75, 0.875, 0.125], [2, 2]) };

  it('maps label indices and probability columns through labels', () => {
    expect(answers(p, results, 2, ['no', 'yes'])).toEqual([
      { prediction: 'yes', probabilities: { no: 0.25, yes: 0.75 } },
      { prediction: 'no', probabilities: { no: 0.875, yes: 0.125 } },
    ]);
  });

  it('names classes by index without labels', () => {
    expect(answers(p, results, 2)).toEqual([
      { prediction: '1', probabilities: { 0: 0.25, 1: 0.75 } },
      { prediction: '0', probabilities: { 0: 0.875, 1: 0.125 } },
    ]);
  });

  it('follows the label output, not the larger probability, when no threshold is set', () => {
    const disagree = { output_label: i64([0n], [1]), output_probability: f32([0.25, 0.75], [1, 2]) };
    expect(answers(p, disagree, 1, ['no', 'yes'])[0].prediction).toBe('no');
  });

  it('string labels are the prediction as they are', () => {
    const sp = plan('multiclass_classification', [spec('output_label', 'string', ['N']), spec('output_probability', 'float32', ['N', 3])]);
    const out = answers(
      sp,
      {
        output_label: new Tensor('string', ['virginica', 'setosa'], [2]),
        output_probability: f32([0.125, 0.125, 0.75, 0.5, 0.25, 0.25], [2, 3]),
      },
      2,
      ['setosa', 'versicolor', 'virginica'],
    );
    expect(out).toEqual([
      { prediction: 'virginica', probabilities: { setosa: 0.125, versicolor: 0.125, virginica: 0.75 } },
      { prediction: 'setosa', probabilities: { setosa: 0.5, versicolor: 0.25, virginica: 0.25 } },
    ]);
  });

  it('ZipMap model: label only, no probabilities', () => {
    const zp = plan('multiclass_classification', [LABEL, ZIPMAP]);
    expect(answers(zp, { output_label: i64([2n, 0n], [2]) }, 2, ['a', 'b', 'c'])).toEqual([
      { prediction: 'c', probabilities: null },
      { prediction: 'a', probabilities: null },
    ]);
  });
});

describe('interpretOutputs: scores without a label', () => {
  const logits3 = plan('multiclass_classification', [spec('logits', 'float32', ['N', 3])]);

  it('softmaxes raw logits and predicts the largest', () => {
    // softmax([1, 2, 3]) = e^[-2, -1, 0] / (e^-2 + e^-1 + 1)
    //                    = [0.0900305731703805, 0.2447284710547976, 0.6652409557748219]
    const out = answers(logits3, { logits: f32([1, 2, 3, 0, 0, 0], [2, 3]) }, 2, ['a', 'b', 'c']);
    expect(out[0].prediction).toBe('c');
    expectProbabilities(out[0].probabilities, { a: 0.0900305731703805, b: 0.2447284710547976, c: 0.6652409557748219 });
    // A tie keeps the first class.
    expect(out[1].prediction).toBe('a');
    expectProbabilities(out[1].probabilities, { a: 1 / 3, b: 1 / 3, c: 1 / 3 });
  });

  it('softmaxes binary logits: [-1, 1] → [1/(1+e^2), e^2/(1+e^2)]', () => {
    const p = plan('binary_classification', [spec('logits', 'float32', ['N', 2])]);
    const out = answers(p, { logits: f32([-1, 1], [1, 2]) }, 1);
    expect(out[0].prediction).toBe('1');
    expectProbabilities(out[0].probabilities, { 0: 0.11920292202211755, 1: 0.8807970779778823 });
  });

  it('leaves rows that are already distributions as they are', () => {
    // softmax would have turned [0.25, 0.25, 0.5] into [0.3067, 0.3067, 0.3865].
    const out = answers(logits3, { logits: f32([0.25, 0.25, 0.5, 0.75, 0.125, 0.125], [2, 3]) }, 2);
    expect(out).toEqual([
      { prediction: '2', probabilities: { 0: 0.25, 1: 0.25, 2: 0.5 } },
      { prediction: '0', probabilities: { 0: 0.75, 1: 0.125, 2: 0.125 } },
    ]);
  });

  it('reads the whole batch as logits when one row is not a distribution', () => {
    // Row 1 sums to 0.75. softmax([0.25, 0.75]) = [1/(1+e^0.5), e^0.5/(1+e^0.5)] = [0.3775406687981454, 0.6224593312018546]
    const p = plan('binary_classification', [spec('scores', 'float32', ['N', 2])]);
    const out = answers(p, { scores: f32([0.25, 0.75, 0.5, 0.25], [2, 2]) }, 2);
    expectProbabilities(out[0].probabilities, { 0: 0.3775406687981454, 1: 0.6224593312018546 });
    // softmax([0.5, 0.25]) = [0.5621765008857981, 0.4378234991142019]
    expectProbabilities(out[1].probabilities, { 0: 0.5621765008857981, 1: 0.4378234991142019 });
  });

  it('a single score column in [0, 1] is the positive class probability', () => {
    const p = plan('binary_classification', [spec('score', 'float32', ['N', 1])]);
    expect(answers(p, { score: f32([0.75, 0.25], [2, 1]) }, 2, ['neg', 'pos'])).toEqual([
      { prediction: 'pos', probabilities: { neg: 0.25, pos: 0.75 } },
      { prediction: 'neg', probabilities: { neg: 0.75, pos: 0.25 } },
    ]);
  });

  it('a single score column outside [0, 1] is a logit: sigmoid', () => {
    // sigmoid(2) = 0.8807970779778823, sigmoid(-1) = 0.2689414213699951
    const p = plan('binary_classification', [spec('score', 'float32', ['N'])]);
    const out = answers(p, { score: f32([2, -1], [2]) }, 2, ['neg', 'pos']);
    expect(out[0].prediction).toBe('pos');
    expectProbabilities(out[0].probabilities, { neg: 0.11920292202211769, pos: 0.8807970779778823 });
    expect(out[1].prediction).toBe('neg');
    expectProbabilities(out[1].probabilities, { neg: 0.7310585786300049, pos: 0.2689414213699951 });
  });

  it('one logit in the batch makes every score a logit', () => {
    // sigmoid(0.5) = 0.6224593312018546
    const p = plan('binary_classification', [spec('score', 'float32', ['N', 1])]);
    const out = answers(p, { score: f32([0.5, 3], [2, 1]) }, 2);
    expectProbabilities(out[0].probabilities, { 0: 0.3775406687981454, 1: 0.6224593312018546 });
  });
});

describe('interpretOutputs: threshold and positive_class', () => {
  const p = plan('binary_classification', [LABEL, PROBS]);
  // P(pos) = 0.75 and 0.375; the label output says [0, 1], which the threshold overrides.
  const results = { output_label: i64([0n, 1n], [2]), output_probability: f32([0.25, 0.75, 0.625, 0.375], [2, 2]) };
  const predictions = (labels: string[] | null, output: OutputSpec) => answers(p, results, 2, labels, output).map((a) => a.prediction);

  it('predicts the positive class (index 1) when its probability reaches the threshold', () => {
    expect(predictions(['neg', 'pos'], { threshold: 0.7 })).toEqual(['pos', 'neg']);
    expect(predictions(['neg', 'pos'], { threshold: 0.75 })).toEqual(['pos', 'neg']);
    expect(predictions(['neg', 'pos'], { threshold: 0.8 })).toEqual(['neg', 'neg']);
    expect(predictions(['neg', 'pos'], { threshold: 0.3 })).toEqual(['pos', 'pos']);
  });

  it('keeps the probabilities as they are', () => {
    expect(answers(p, results, 2, ['neg', 'pos'], { threshold: 0.8 })[0].probabilities).toEqual({ neg: 0.25, pos: 0.75 });
  });

  it('positive_class chooses which probability the threshold applies to', () => {
    // P(neg) = 0.25 and 0.625, both ≥ 0.2.
    expect(predictions(['neg', 'pos'], { threshold: 0.2, positive_class: 'neg' })).toEqual(['neg', 'neg']);
    // P(neg) = 0.25 < 0.5 and 0.625 ≥ 0.5.
    expect(predictions(['neg', 'pos'], { threshold: 0.5, positive_class: 'neg' })).toEqual(['pos', 'neg']);
  });

  it('positive_class names an index-named class when there are no labels', () => {
    // Without labels the classes are "0" and "1"; P("0") = 0.25 and 0.625, both ≥ 0.2.
    expect(predictions(null, { threshold: 0.2, positive_class: '0' })).toEqual(['0', '0']);
  });

  it('applies to a single score column', () => {
    const sp = plan('binary_classification', [spec('score', 'float32', ['N', 1])]);
    const out = answers(sp, { score: f32([0.75, 0.25], [2, 1]) }, 2, ['neg', 'pos'], { threshold: 0.8 });
    expect(out.map((a) => a.prediction)).toEqual(['neg', 'neg']);
  });

  it('is ignored for more than two classes', () => {
    const mp = plan('multiclass_classification', [spec('probs', 'float32', ['N', 3])]);
    const out = answers(mp, { probs: f32([0.25, 0.5, 0.25], [1, 3]) }, 1, ['a', 'b', 'c'], { threshold: 0.9 });
    expect(out[0].prediction).toBe('b');
  });
});

describe('interpretOutputs: class values stored in the graph', () => {
  const strLabel = spec('label', 'string', ['N']);
  const probs3 = spec('probabilities', 'float32', ['N', 3]);
  const str = (values: string[]) => new Tensor('string', values, [values.length]);

  it('names probability columns by the graph’s string classes when the model has no labels', () => {
    const p = plan('multiclass_classification', [strLabel, probs3]);
    const [a] = interpretOutputs(p, { label: str(['gold']), probabilities: f32([0.125, 0.25, 0.625], [1, 3]) }, 1, {
      labels: null,
      classValues: ['bronze', 'silver', 'gold'],
      output: null,
    });
    expect(a.prediction).toBe('gold');
    expectProbabilities(a.probabilities, { bronze: 0.125, silver: 0.25, gold: 0.625 });
  });

  it('maps non-contiguous integer classes (1, 5, 9) by value, not by index', () => {
    const p = plan('multiclass_classification', [LABEL, probs3]);
    const [a] = interpretOutputs(p, { output_label: i64([5n], [1]), probabilities: f32([0.25, 0.5, 0.25], [1, 3]) }, 1, {
      labels: null,
      classValues: ['1', '5', '9'],
      output: null,
    });
    expect(a.prediction).toBe('5');
    expectProbabilities(a.probabilities, { 1: 0.25, 5: 0.5, 9: 0.25 });
  });

  it('lets the model’s labels rename the graph’s classes by position', () => {
    const p = plan('multiclass_classification', [LABEL, probs3]);
    const [a] = interpretOutputs(p, { output_label: i64([9n], [1]), probabilities: f32([0.125, 0.125, 0.75], [1, 3]) }, 1, {
      labels: ['low', 'mid', 'high'],
      classValues: ['1', '5', '9'],
      output: null,
    });
    expect(a.prediction).toBe('high');
    expectProbabilities(a.probabilities, { low: 0.125, mid: 0.125, high: 0.75 });
  });

  it('applies a threshold to the positive class named by a graph class value', () => {
    const p = plan('binary_classification', [LABEL, PROBS]);
    const [a] = interpretOutputs(p, { output_label: i64([3n], [1]), output_probability: f32([0.7, 0.3], [1, 2]) }, 1, {
      labels: null,
      classValues: ['3', '7'],
      output: { positive_class: '7', threshold: 0.25 },
    });
    expect(a.prediction).toBe('7');
  });
});
