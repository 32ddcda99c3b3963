// The known-answer assertion itself: it must reject a value that differs in the last digit shown.
import { describe, expect, it } from 'vitest';
import { expectClose, expectDigits } from './test-expect';

describe('expectDigits', () => {
  it('accepts a value that rounds to the digits shown, fixed or exponential', () => {
    expectDigits(0.7111708344, '0.711171');
    expectDigits(8.315287191e-7, '8.31529e-07');
    expectDigits(0.000861364, '8.6e-4');
    expectDigits(28.00000001, '28.0');
    expectDigits(-2.19089023, '-2.190890');
  });

  it('rejects a value off in the last digit shown', () => {
    expect(() => expectDigits(0.7111718, '0.711171')).toThrow();
    expect(() => expectDigits(8.31539e-7, '8.31529e-07')).toThrow();
    expect(() => expectDigits(8.31529e-8, '8.31529e-07')).toThrow();
    expect(() => expectDigits(2.19089023, '-2.190890')).toThrow();
  });
});

describe('expectClose', () => {
  it('bounds the relative error', () => {
    expectClose(1 + 1e-10, 1);
    expect(() => expectClose(1 + 1e-8, 1)).toThrow();
  });
});
