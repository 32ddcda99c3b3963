// Wire schemas of outcomes and imports. Client-safe.
import { z } from 'zod';

/**
 * The largest magnitude of a regression value that monitoring takes (outcomes, imported predictions):
 * squared errors of larger ones overflow a double and could not be summed.
 */
export const REGRESSION_LIMIT = 1e150;

/**
 * The latest time taken (ms since 1970): 9999-12-31T23:59:59.999Z, the most an ISO-8601 string
 * writes; a prediction id keeps its time in 50 bits and a log partition is named by a 4-digit year.
 */
export const MAX_TIME_MS = 253_402_300_799_999;

export const outcomesBodySchema = z.strictObject({
  outcomes: z.array(z.unknown(), { error: 'must be a list of outcomes' }).min(1, 'give at least one outcome').max(10_000, 'at most 10000 outcomes per call'),
});

const cell = z.union([z.number(), z.string(), z.boolean(), z.null()]);
export const importBodySchema = z.strictObject({
  records: z
    .array(
      z.strictObject({
        ts: z.union([
          z.string().datetime({ offset: true, error: 'must be an ISO-8601 time' }),
          z.number().int().min(0).max(MAX_TIME_MS, 'must be a time before the year 10000'),
        ]),
        inputs: z.union([z.array(cell), z.record(z.string(), z.union([cell, z.array(cell)]))], {
          error: 'must be a row: a list of values or an object of column: value',
        }),
        prediction: z.union([z.string(), z.number().finite(), z.boolean()]).optional(),
        actual: z.union([z.string(), z.number().finite(), z.boolean()]).optional(),
        id: z.union([z.string().min(1).max(256), z.number()]).optional(),
      }),
    )
    .min(1, 'give at least one record')
    .max(10_000, 'at most 10000 records per call'),
});
export type ImportBody = z.infer<typeof importBodySchema>;

export interface ImportResultDto {
  imported: number;
  prediction_ids: string[];
  outcomes: { accepted: number; updated: number };
}

export interface OutcomesResultDto {
  accepted: number;
  updated: number;
  unknown: { index: number; prediction_id?: string; model?: string; id?: string }[];
  invalid: { index: number; message: string }[];
}
