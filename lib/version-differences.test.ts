import { describe, expect, it } from 'vitest';
import type { TensorSpecDto } from './schemas/registry';
import { versionDifferences, type ComparableVersion } from './version-differences';

const spec = (name: string, dtype: string, shape: (number | string)[]): TensorSpecDto => ({ name, dtype, shape, is_tensor: true });
const version = (inputs: TensorSpecDto[], o: { outputs?: TensorSpecDto[]; classes?: string[]; names?: string[] } = {}): ComparableVersion => ({
  number: 1,
  signature: {
    inputs,
    outputs: o.outputs ?? [spec('logits', 'float32', ['batch', 2])],
    ir_version: 8,
    opsets: [],
    producer: '',
    ...(o.classes ? { class_labels: o.classes } : {}),
  },
  feature_names: o.names ?? null,
});

describe('versionDifferences', () => {
  const base = version([spec('input', 'float32', ['batch', 4])]);

  it('finds nothing between equal signatures, whatever the free dims are called', () => {
    expect(versionDifferences(base, version([spec('input', 'float32', ['N', 4])]), 'binary_classification')).toEqual([]);
  });

  it('names dtype, rank and fixed-dim changes, and inputs gone or new', () => {
    expect(versionDifferences(base, version([spec('input', 'float64', ['batch', 4])]), 'binary_classification')).toEqual([
      'input "input": dtype float32 → float64',
    ]);
    expect(versionDifferences(base, version([spec('input', 'float32', ['batch', 1, 2, 2])]), 'binary_classification')).toEqual([
      'input "input": rank 2 → 4 ([batch, 4] → [batch, 1, 2, 2])',
    ]);
    expect(versionDifferences(base, version([spec('input', 'float32', [1, 5])]), 'binary_classification')).toEqual([
      'input "input": dimension 0 batch → 1, dimension 1 4 → 5 ([batch, 4] → [1, 5])',
    ]);
    expect(
      versionDifferences(
        base,
        version([spec('input_ids', 'int64', ['batch', 'seq']), spec('attention_mask', 'int64', ['batch', 'seq'])]),
        'binary_classification',
      ),
    ).toEqual(['input "input" float32 [batch, 4] is gone', 'new input "input_ids" int64 [batch, seq]', 'new input "attention_mask" int64 [batch, seq]']);
  });

  it('names feature-name and class changes (graph classes, else the score width)', () => {
    expect(
      versionDifferences(
        version([spec('input', 'float32', ['batch', 2])], { names: ['a', 'b'] }),
        version([spec('input', 'float32', ['batch', 2])]),
        'regression',
      ),
    ).toEqual(['feature names: a, b → none (named rows would be refused)']);
    expect(
      versionDifferences(
        version([spec('x', 'float32', ['b', 2])], { classes: ['0', '1'] }),
        version([spec('x', 'float32', ['b', 2])], { classes: ['0', '1', '2'] }),
        'multiclass_classification',
      ),
    ).toEqual(['class values: 0, 1 → 0, 1, 2']);
    expect(
      versionDifferences(
        base,
        version([spec('input', 'float32', ['batch', 4])], { outputs: [spec('logits', 'float32', ['batch', 3])] }),
        'multiclass_classification',
      ),
    ).toEqual(['classes: 2 → 3']);
    // A regressor's outputs are not classes.
    expect(
      versionDifferences(base, version([spec('input', 'float32', ['batch', 4])], { outputs: [spec('y', 'float32', ['batch', 3])] }), 'regression'),
    ).toEqual([]);
  });
});
