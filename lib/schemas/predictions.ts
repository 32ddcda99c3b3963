// Wire shapes of the prediction browser and the export (GET /api/v1/models/{name}/predictions[/export]). Client-safe.
import { z } from 'zod';
import { aliasNameSchema, MAX_ID } from './names';

export const MAX_BROWSE_LIMIT = 200;

const time = z.string().datetime({ offset: true, error: 'must be an ISO-8601 time' });
const labeled = z
  .enum(['true', 'false'], { error: 'must be true or false' })
  .optional()
  .transform((v) => (v === undefined ? undefined : v === 'true'));

const scope = {
  version: z.coerce
    .number({ error: 'must be a version number' })
    .int('must be a whole number')
    .min(1, 'must be 1 or more')
    .max(MAX_ID, 'is too large')
    .optional(),
  from: time.optional(),
  to: time.optional(),
  labeled,
};

const oneTarget = (v: { version?: number; alias?: string }, ctx: z.RefinementCtx) => {
  if (v.version !== undefined && v.alias !== undefined) ctx.addIssue({ code: 'custom', path: ['alias'], message: 'give version or alias, not both' });
};

export const browseQuerySchema = z
  .object({
    ...scope,
    alias: aliasNameSchema.optional(),
    cursor: z.string().max(200, 'is not a cursor from this API').optional(),
    limit: z.coerce
      .number({ error: `must be a number from 1 to ${MAX_BROWSE_LIMIT}` })
      .int('must be a whole number')
      .min(1, 'must be 1 or more')
      .max(MAX_BROWSE_LIMIT, `must be at most ${MAX_BROWSE_LIMIT}`)
      .default(50),
  })
  .superRefine(oneTarget);
export type BrowseQuery = z.infer<typeof browseQuerySchema>;

export const exportQuerySchema = z
  .object({
    ...scope,
    alias: aliasNameSchema.optional(),
    format: z.enum(['csv', 'parquet'], { error: 'must be csv or parquet' }).default('csv'),
    // A signed link (a webhook's export_url) instead of credentials: until when (epoch seconds), and its signature.
    expires: z.coerce.number({ error: 'must be epoch seconds' }).int('must be epoch seconds').min(0).max(1e11).optional(),
    sig: z.string().max(200, 'is not a signature from this server').optional(),
  })
  .superRefine(oneTarget);
export type ExportQuery = z.infer<typeof exportQuerySchema>;

/** One logged prediction as the browser lists it; absent fields are left out. */
export interface BrowsedPredictionDto {
  id: string;
  ts: string;
  version: number;
  /** The row's inputs by column name (feature names, input names, or name[j]); tensors as nested lists. */
  inputs: Record<string, unknown>;
  prediction: string | number;
  probabilities?: Record<string, number>;
  outcome?: { actual: string | number; ts: string };
  client_id?: string;
  source: 'live' | 'imported' | 'shadow';
  alias?: string;
}

export interface BrowseDto {
  predictions: BrowsedPredictionDto[];
  next_cursor: string | null;
}

/** DELETE /api/v1/models/{name}/predictions?id=: the client id whose every logged row is erased. */
export const erasureQuerySchema = z.object({
  id: z
    .string({ error: 'required: the client id whose predictions to erase' })
    .min(1, 'required: the client id whose predictions to erase')
    .max(1000, 'must be at most 1000 characters'),
});
export type ErasureQuery = z.infer<typeof erasureQuerySchema>;
