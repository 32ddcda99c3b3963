import { describe, expect, it } from 'vitest';
import { routeParam } from './route-param';

describe('routeParam', () => {
  it('decodes an encoded segment', () => {
    expect(routeParam('churn%2Dv2')).toBe('churn-v2');
    expect(routeParam('churn')).toBe('churn');
  });
  it('keeps a value that is not valid percent-encoding instead of throwing', () => {
    for (const v of ['%zz', '%', '%E4', '%c0%ae', 'a%']) expect(routeParam(v)).toBe(v);
  });
});
