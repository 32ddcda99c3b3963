import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { PredictResponse } from './predict';
import { predictResponseJson } from './predict-json';

const label = fc.oneof(fc.constantFrom('churns', 'stays', 'a "quoted" \\ label', 'ü', '\u2028', ''), fc.string());
const number = fc.oneof(fc.double(), fc.constantFrom(-0, 0, 1, 0.1, 1e21, 1e-7, NaN, Infinity));

const response: fc.Arbitrary<PredictResponse> = fc.integer({ min: 0, max: 20 }).chain((rows) =>
  fc.record(
    {
      predictions: fc.array(fc.oneof(label, number, fc.array(number, { maxLength: 3 })), { minLength: rows, maxLength: rows }),
      model: fc.record({ name: fc.string(), version: fc.integer({ min: 1 }), alias: fc.option(fc.string()) }),
      dry_run: fc.constant(true as const),
      prediction_ids: fc.array(fc.constantFrom('01K00000000000000000000000000', '01M91KDAMH81AWF71AA3J5ZHB9000'), { minLength: rows, maxLength: rows }),
      probabilities: fc.array(fc.option(fc.oneof(fc.dictionary(label, number, { maxKeys: 4 }), fc.record({ stays: number, churns: number }))), {
        minLength: rows,
        maxLength: rows,
      }),
    },
    { requiredKeys: ['predictions', 'model'] },
  ),
);

describe('predictResponseJson', () => {
  it('writes exactly what JSON.stringify writes (property)', () => {
    fc.assert(
      fc.property(response, (r) => {
        expect(predictResponseJson(r)).toBe(JSON.stringify(r));
      }),
      { numRuns: 500 },
    );
  });

  it('writes a typical answer', () => {
    const r: PredictResponse = {
      predictions: ['churns'],
      model: { name: 'churn', version: 1, alias: 'production' },
      prediction_ids: ['01K00000000000000000000000000'],
      probabilities: [{ stays: 0.2, churns: 0.8 }],
    };
    expect(predictResponseJson(r)).toBe(JSON.stringify(r));
  });
});
