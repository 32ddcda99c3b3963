import { describe, expect, it } from 'vitest';
import { acceptedForms, classSpace, resolveClass } from './class-values';

const label = (raw: unknown, space: ReturnType<typeof classSpace>) => {
  const r = resolveClass(raw, space);
  return 'label' in r ? r.label : `error: ${r.error}`;
};

describe('resolveClass', () => {
  // skl2onnx binary classifier, int64 classes 0/1, labels declared by the user.
  const cancer = classSpace({ task: 'binary_classification', labels: ['malignant', 'benign'], classValues: ['0', '1'] });

  it('maps the label, the graph class value (number or text) and booleans to the same class', () => {
    for (const raw of ['benign', 1, '1', true, 'true', 'TRUE']) expect(label(raw, cancer), String(raw)).toBe('benign');
    for (const raw of ['malignant', 0, '0', false, 'False']) expect(label(raw, cancer), String(raw)).toBe('malignant');
  });

  it('says which forms are accepted when none matches', () => {
    expect(label(2, cancer)).toBe(
      'error: "2" is not one of the model\'s labels; give a label (malignant, benign), the graph\'s class value (0, 1) or true/false (true is benign)',
    );
    expect(label(null, cancer)).toMatch(/^error: must be a class: a label \(malignant, benign\)/);
    expect(label('Benign', cancer)).toMatch(/^error: "Benign" is not one of/);
  });

  it('takes the positive class for true when the version names one', () => {
    const space = classSpace({ task: 'binary_classification', labels: ['malignant', 'benign'], classValues: ['0', '1'], positiveClass: 'malignant' });
    expect(label(true, space)).toBe('malignant');
    expect(label(false, space)).toBe('benign');
  });

  it("reads a logits model's class values as its column indices", () => {
    const churn = classSpace({ task: 'binary_classification', labels: ['stays', 'churns'], classValues: null });
    expect(label(1, churn)).toBe('churns');
    expect(label('0', churn)).toBe('stays');
    expect(acceptedForms(churn)).toBe("a label (stays, churns), the graph's class value (0, 1) or true/false (true is churns)");
  });

  it('prefers a label over a class value of the same text', () => {
    const odd = classSpace({ task: 'binary_classification', labels: ['1', '0'], classValues: ['0', '1'] });
    expect(label('1', odd)).toBe('1');
    expect(label(1, odd)).toBe('1');
  });

  it('keeps string class values as the graph stores them, and no booleans beyond binary', () => {
    const tiers = classSpace({ task: 'multiclass_classification', labels: null, classValues: ['bronze', 'silver', 'gold'] });
    expect(label('gold', tiers)).toBe('gold');
    expect(label(2, tiers)).toBe('error: "2" is not one of the model\'s labels; give a label (bronze, silver, gold)');
    expect(label(true, tiers)).toMatch(/^error: "true" is not one of/);
  });

  it('falls back to the logged probability columns, and takes anything when no class is known', () => {
    const logged = classSpace({ task: 'binary_classification', labels: null, classValues: null, columns: ['0', '1'] });
    expect(label(true, logged)).toBe('1');
    expect(label(1, logged)).toBe('1');
    const unknown = classSpace({ task: 'multiclass_classification', labels: null, classValues: null });
    expect(label('anything', unknown)).toBe('anything');
    expect(label(7, unknown)).toBe('7');
  });
});
