// Refusal counts on PostgreSQL: twins of db/queries/quality.ts's reads, and the flush that adds the
// counts. SQLite's addValidationFailures is the runtime's synchronous flush (lib/runtime/start.ts);
// this is its async equivalent for a PostgreSQL process, one additive statement, so replicas
// flushing the same model, hour, reason and path at once add up rather than overwrite.
import { and, desc, eq, gte, lt, sql } from 'drizzle-orm';
import type { RefusalCount } from '../../queries/quality';
import type { PgDb } from '../client';
import { validationFailures } from '../schema';

/** Adds the counts (models named; a model deleted meanwhile is skipped), in one statement; returns how many were added. */
export async function addValidationFailuresPg(db: PgDb, counts: RefusalCount[]): Promise<number> {
  if (counts.length === 0) return 0;
  const column = <T>(f: (c: RefusalCount) => T) => sql.param(counts.map(f));
  // KEY SHARE keeps the named models from being deleted until the insert is in (their rows are what
  // the foreign key needs); rows go in key order, so two flushes lock shared rows in the same order.
  // Counts repeated in one batch are summed first: ON CONFLICT may touch a row once per statement.
  const { rows } = await db.execute<{ added: number }>(sql`
    WITH m AS (
      SELECT id, name FROM models WHERE name = ANY(${column((c) => c.model)}::text[]) FOR KEY SHARE
    ), c AS (
      SELECT m.id AS model_id, c.hour, c.reason, c.path, sum(c.count)::bigint AS count
      FROM unnest(${column((c) => c.model)}::text[], ${column((c) => c.hour)}::bigint[], ${column((c) => c.reason)}::text[],
                  ${column((c) => c.path)}::text[], ${column((c) => c.count)}::bigint[]) AS c(model, hour, reason, path, count)
      JOIN m ON m.name = c.model
      GROUP BY m.id, c.hour, c.reason, c.path
    ), inserted AS (
      INSERT INTO validation_failures (model_id, hour, reason, path, count)
      SELECT model_id, hour, reason, path, count FROM c ORDER BY model_id, hour, reason, path
      ON CONFLICT (model_id, hour, reason, path) DO UPDATE SET count = validation_failures.count + excluded.count
    )
    SELECT coalesce(sum(count), 0)::bigint AS added FROM c`);
  return rows[0].added;
}

export async function refusalsByPathPg(
  db: PgDb,
  modelId: number,
  from: number,
  to: number,
  limit = 100,
): Promise<{ reason: string; path: string; count: number }[]> {
  const count = sql<number>`sum(${validationFailures.count})::bigint`;
  return (
    db
      .select({ reason: validationFailures.reason, path: validationFailures.path, count })
      .from(validationFailures)
      .where(and(eq(validationFailures.modelId, modelId), gte(validationFailures.hour, from), lt(validationFailures.hour, to)))
      .groupBy(validationFailures.reason, validationFailures.path)
      // Ties in SQLite's byte order, whatever the database's collation.
      .orderBy(desc(count), sql`${validationFailures.reason} COLLATE "C"`, sql`${validationFailures.path} COLLATE "C"`)
      .limit(limit)
  );
}

export async function refusalsByHourPg(db: PgDb, modelId: number, from: number, to: number): Promise<{ hour: number; count: number }[]> {
  return db
    .select({ hour: validationFailures.hour, count: sql<number>`sum(${validationFailures.count})::bigint` })
    .from(validationFailures)
    .where(and(eq(validationFailures.modelId, modelId), gte(validationFailures.hour, from), lt(validationFailures.hour, to)))
    .groupBy(validationFailures.hour);
}
