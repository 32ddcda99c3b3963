// The look-ups serving makes when a target is not cached, on PostgreSQL (the twin of
// servingLookups in db/queries/predictions.ts: same rows, asynchronous). JSON columns come back as
// text, as SQLite's do, so one parser (lib/server/serving/serving-state.ts servingPlan) reads both.
import type pg from 'pg';
import type { Async } from '../../../lib/flow';
import type { ServingLookups, ServingRow } from '../../queries/predictions';
import { and, asc, eq } from 'drizzle-orm';
import type { PgDb } from '../client';
import { aliasWeights, modelVersions } from '../schema';
import { givenPosition } from './experiments';

export type PgServingLookups = Async<ServingLookups>;

const COLUMNS = `m.id AS model_id, m.name AS model_name, m.task, m.labels::text AS labels, m.updated_at AS model_updated_at,
  v.id AS version_id, v.number, v.sha256, v.signature::text AS signature, v.feature_names::text AS feature_names,
  v.output::text AS output, v.archived_at`;

export function servingLookupsPg(db: PgDb): PgServingLookups {
  const pool = db.$client;
  const one = async <T extends pg.QueryResultRow>(name: string, text: string, values: unknown[]) => (await pool.query<T>({ name, text, values })).rows[0];
  const all = async <T extends pg.QueryResultRow>(name: string, text: string, values: unknown[]) => (await pool.query<T>({ name, text, values })).rows;
  return {
    model: (name) => one<{ id: number }>('md_serving_model', 'SELECT id FROM models WHERE name = $1', [name]),
    byAlias: (name, alias) =>
      one<ServingRow>(
        'md_serving_by_alias',
        `SELECT ${COLUMNS} FROM models m JOIN aliases a ON a.model_id = m.id JOIN model_versions v ON v.id = a.version_id WHERE m.name = $1 AND a.name = $2`,
        [name, alias],
      ),
    byNumber: (name, number) =>
      one<ServingRow>(
        'md_serving_by_number',
        `SELECT ${COLUMNS} FROM models m JOIN model_versions v ON v.model_id = m.id WHERE m.name = $1 AND v.number = $2`,
        [name, number],
      ),
    byVersionId: (versionId) =>
      one<ServingRow>('md_serving_by_version', `SELECT ${COLUMNS} FROM models m JOIN model_versions v ON v.model_id = m.id WHERE v.id = $1`, [versionId]),
    // In the order the split was given (SQLite's rowid order; here the split_set event's, as readSplitPg reads it).
    split: (modelId, alias) =>
      db
        .select({ version_id: aliasWeights.versionId, weight: aliasWeights.weight })
        .from(aliasWeights)
        .innerJoin(modelVersions, eq(aliasWeights.versionId, modelVersions.id))
        .where(and(eq(aliasWeights.modelId, modelId), eq(aliasWeights.name, alias)))
        .orderBy(givenPosition, asc(modelVersions.number)),
    shadows: async (modelId) =>
      (await all<{ version_id: number }>('md_serving_shadows', 'SELECT version_id FROM shadows WHERE model_id = $1 ORDER BY version_id', [modelId])).map(
        (r) => r.version_id,
      ),
    versionNumbers: async (modelId) =>
      (
        await all<{ number: number }>('md_serving_numbers', 'SELECT number FROM model_versions WHERE model_id = $1 AND archived_at IS NULL ORDER BY number', [
          modelId,
        ])
      ).map((r) => r.number),
    productionShas: async () =>
      (
        await all<{ sha256: string }>(
          'md_serving_production',
          `SELECT DISTINCT v.sha256 FROM model_versions v WHERE v.id IN
           (SELECT version_id FROM aliases WHERE name = 'production' UNION SELECT version_id FROM alias_weights WHERE name = 'production')`,
          [],
        )
      ).map((r) => r.sha256),
  };
}
