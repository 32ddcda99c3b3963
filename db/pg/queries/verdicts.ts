// Stored retraining verdicts and the overview's traffic on PostgreSQL (twins of db/queries/verdicts.ts).
import { and, asc, desc, eq, gte, inArray, isNotNull, sql } from 'drizzle-orm';
import type { NotificationEvent } from '../../../lib/webhook-payload';
import { PREDICTION_SOURCES, type ModelRow } from '../../schema';
import type { PgDb } from '../client';
import { aliases, models, modelVersions, predictionRequests, rollupHours } from '../schema';
import { inTransaction } from '../tx';
import { enqueueEventPg } from './outbox';
import { hourOfSql, rollupWatermarkPg, WATERMARK_XID } from './rollups';

export async function saveVerdictPg(
  db: PgDb,
  modelId: number,
  v: { verdict: Record<string, unknown> | null; flag: boolean; reason: string | null },
  notify: (previous: Record<string, unknown> | null, model: string) => NotificationEvent[],
): Promise<void> {
  await db.transaction(async (tx) => {
    // The row lock makes stores of one model's verdict take turns (SQLite's IMMEDIATE): each reads
    // the verdict the one before it stored, so racing refreshes on several replicas queue a
    // transition once; without it both read the old verdict and both queue it.
    const [before] = await tx.select({ verdict: models.verdict, name: models.name }).from(models).where(eq(models.id, modelId)).for('update');
    if (!before) return;
    await tx.update(models).set({ verdict: v.verdict, needsRetraining: v.flag, retrainingReason: v.reason }).where(eq(models.id, modelId));
    for (const e of notify(before.verdict ?? null, before.name)) await enqueueEventPg(tx, { ...e, modelId });
  });
}

export async function listServedModelsPg(db: PgDb): Promise<ModelRow[]> {
  const rows = await db.select({ model: models }).from(models).innerJoin(aliases, eq(aliases.modelId, models.id)).where(eq(aliases.name, 'production'));
  return rows.map((r) => r.model);
}

/** listStoredVerdicts for a PostgreSQL process (SQLite's is synchronous: /metrics reads it inside a scrape). */
export async function listStoredVerdictsPg(db: PgDb, limit: number): Promise<{ name: string; verdict: Record<string, unknown> }[]> {
  const rows = await db
    .select({ name: models.name, verdict: models.verdict })
    .from(models)
    .innerJoin(aliases, and(eq(aliases.modelId, models.id), eq(aliases.name, 'production')))
    .where(isNotNull(models.verdict))
    .orderBy(desc(models.needsRetraining), asc(models.name))
    .limit(limit);
  return rows.filter((r): r is { name: string; verdict: Record<string, unknown> } => r.verdict !== null);
}

export async function readModelTrafficPg(
  db: PgDb,
  modelIds: number[],
  since: number,
): Promise<Map<number, { days: Map<number, number>; last: number | null }>> {
  const out = new Map<number, { days: Map<number, number>; last: number | null }>();
  if (modelIds.length === 0) return out;
  for (const id of modelIds) out.set(id, { days: new Map(), last: null });
  // bigint / bigint divides as integers, as SQLite's does; sum(bigint) is numeric, hence the cast.
  const day = sql<number>`(${rollupHours.hour} / 86400000) * 86400000`;
  const days = await db
    .select({ modelId: modelVersions.modelId, day, n: sql<number>`sum(${rollupHours.count})::bigint` })
    .from(modelVersions)
    .innerJoin(rollupHours, and(eq(rollupHours.versionId, modelVersions.id), gte(rollupHours.hour, since)))
    .where(inArray(modelVersions.modelId, modelIds))
    .groupBy(modelVersions.modelId, day);
  for (const d of days) out.get(d.modelId)!.days.set(d.day, d.n);
  // Each version's latest answered or imported prediction: one backward step of the (version_id, ts)
  // index per version (in every month partition), as SQLite's loop of LIMIT 1 queries does.
  const latest = await db.execute<{ model_id: number; last: number }>(sql`
    SELECT v.model_id, max(p.ts) AS last
    FROM ${modelVersions} v
    CROSS JOIN LATERAL (
      SELECT ts FROM ${predictionRequests} r
      WHERE r.version_id = v.id AND r.source <> ${PREDICTION_SOURCES.shadow}
      ORDER BY ts DESC LIMIT 1
    ) p
    WHERE v.model_id IN ${modelIds}
    GROUP BY v.model_id`);
  for (const r of latest.rows) out.get(r.model_id)!.last = r.last;
  return out;
}

/** The model's first hour with logged predictions (the hourly rollups, and the log records not folded into them yet), or null. */
export async function firstPredictionHourPg(db: PgDb, modelId: number): Promise<number | null> {
  const { rows } = await db.$client.query<{ h: number | null }>(
    `SELECT least(
       (SELECT MIN(r.hour) FROM rollup_hours r JOIN model_versions v ON v.id = r.version_id WHERE v.model_id = $1),
       (SELECT MIN(${hourOfSql('p.ts')}) FROM prediction_requests p JOIN model_versions v ON v.id = p.version_id
        WHERE v.model_id = $1 AND p.xid >= ${WATERMARK_XID})
     )::bigint AS h`,
    [modelId],
  );
  return rows[0]?.h ?? null;
}

/** Every model's stored policy (retention), for telling a pruned prediction from an unknown one. */
export async function modelPoliciesPg(db: PgDb): Promise<{ id: number; policy: Record<string, unknown> | null }[]> {
  return db.select({ id: models.id, policy: models.policy }).from(models);
}

/** Every model's name and stored policy, for Settings → Storage's retention in force. */
export async function retentionModelsPg(db: PgDb): Promise<{ name: string; policy: Record<string, unknown> | null }[]> {
  return db.select({ name: models.name, policy: models.policy }).from(models).orderBy(models.id);
}

const SWEEP_AT = 'verdict_sweep_at';
const SWEEP_XID = 'verdict_sweep_xid';
const NOW_MS = 'floor(extract(epoch FROM clock_timestamp()) * 1000)::bigint';

export interface VerdictSweepClaim {
  /** The fold watermark the previous sweep reached (null: no sweep yet, so every served model is refreshed). */
  since: string | null;
  /** The fold watermark now: the next sweep starts here once this one is done. */
  mark: string;
  /** Models with log rows folded between the two (SQLite's sweep finds them by rowid). */
  touched: number[];
}

/**
 * Claims the fleet's verdict sweep for this interval: one replica per `intervalMs` (a lease on
 * the database's clock) refreshes the verdicts, the others skip. Null: another replica swept within it.
 */
export async function claimVerdictSweepPg(db: PgDb, intervalMs: number): Promise<VerdictSweepClaim | null> {
  return inTransaction(db.$client, async (c) => {
    const claimed = await c.query(
      `INSERT INTO monitoring_state (key, value) VALUES ('${SWEEP_AT}', ${NOW_MS})
       ON CONFLICT (key) DO UPDATE SET value = excluded.value WHERE monitoring_state.value <= ${NOW_MS} - $1::bigint RETURNING 1`,
      [Math.round(intervalMs * 0.8)],
    );
    if (claimed.rowCount === 0) return null;
    const since = (await c.query<{ v: string }>(`SELECT value::text AS v FROM monitoring_state WHERE key = '${SWEEP_XID}'`)).rows[0]?.v ?? null;
    const mark = await rollupWatermarkPg(c);
    const touched =
      since === null
        ? []
        : (
            await c.query<{ model_id: number }>('SELECT DISTINCT model_id FROM prediction_requests WHERE xid >= $1::xid8 AND xid < $2::xid8', [since, mark])
          ).rows.map((r) => r.model_id);
    return { since, mark, touched };
  });
}

/** Records that a claimed sweep refreshed everything up to `mark` (a sweep that died leaves the old mark: the next one covers its models). */
export async function finishVerdictSweepPg(db: PgDb, mark: string): Promise<void> {
  await db.$client.query(
    `INSERT INTO monitoring_state (key, value) VALUES ('${SWEEP_XID}', $1::bigint) ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
    [mark],
  );
}
