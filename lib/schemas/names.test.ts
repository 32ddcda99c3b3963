// Name rules: model names, alias names and version numbers as the API and forms accept them.
import { describe, expect, it } from 'vitest';
import { aliasNameSchema, modelNameSchema, versionNumberSchema } from './names';

const ok = (schema: { safeParse: (v: unknown) => { success: boolean } }, v: unknown) => schema.safeParse(v).success;

describe('modelNameSchema', () => {
  it.each(['a', '0', 'churn-v2', 'x.y_z', 'a'.repeat(64), '9lives', 'a..b'])('accepts %j', (name) => {
    expect(modelNameSchema.parse(name)).toBe(name);
  });

  it.each([
    ['', 'empty'],
    ['A', 'uppercase'],
    ['Churn', 'uppercase first letter'],
    ['-a', 'leading dash'],
    ['_a', 'leading underscore'],
    ['.a', 'leading dot'],
    ['a b', 'space'],
    ['a/b', 'slash'],
    ['../x', 'path traversal'],
    ['a'.repeat(65), '65 characters'],
    ['modèle', 'non-ASCII letter'],
    ['模型', 'CJK'],
    ['a\n', 'trailing newline'],
  ])('rejects %j (%s)', (name) => {
    expect(ok(modelNameSchema, name)).toBe(false);
  });

  it('explains an over-long name with the length limit', () => {
    const r = modelNameSchema.safeParse('a'.repeat(65));
    expect(r.success).toBe(false);
    expect(r.error?.issues.map((i) => i.message)).toContain('must be at most 64 characters');
  });
});

describe('aliasNameSchema', () => {
  it.each(['prod', 'a', 'canary-2', '1', 'a'.repeat(63)])('accepts %j', (name) => {
    expect(aliasNameSchema.parse(name)).toBe(name);
  });

  it.each([
    ['', 'empty'],
    ['Prod', 'uppercase'],
    ['-prod', 'leading dash'],
    ['a_b', 'underscore (allowed in model names only)'],
    ['a.b', 'dot (allowed in model names only)'],
    ['a b', 'space'],
    ['a'.repeat(64), '64 characters'],
    ['prôd', 'non-ASCII letter'],
  ])('rejects %j (%s)', (name) => {
    expect(ok(aliasNameSchema, name)).toBe(false);
  });
});

describe('versionNumberSchema', () => {
  it('coerces path segments to whole numbers from 1 up', () => {
    expect(versionNumberSchema.parse('1')).toBe(1);
    expect(versionNumberSchema.parse('12')).toBe(12);
    expect(versionNumberSchema.parse(3)).toBe(3);
    // The largest a PostgreSQL integer column holds (2147483648 was a 500 there: out of range).
    expect(versionNumberSchema.parse(String(2 ** 31 - 1))).toBe(2 ** 31 - 1);
  });

  it.each(['0', '-1', '1.5', 'abc', '', String(2 ** 31), String(2 ** 31 + 1)])('rejects %j', (v) => {
    expect(ok(versionNumberSchema, v)).toBe(false);
  });

  // JSON bodies: only numbers (and digit strings) are version numbers; z.coerce read true as 1.
  it.each([true, false, null, [], [2], {}, ' ', NaN, Infinity])('rejects the JSON value %j', (v) => {
    expect(versionNumberSchema.safeParse(v).error?.issues[0].message).toBe('must be a version number');
  });

  it('says why 0 and 1.5 are refused', () => {
    expect(versionNumberSchema.safeParse('0').error?.issues[0].message).toBe('must be 1 or more');
    expect(versionNumberSchema.safeParse('1.5').error?.issues[0].message).toBe('must be a whole number');
  });
});
