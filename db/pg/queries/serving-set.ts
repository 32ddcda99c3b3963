// The serving set on PostgreSQL (twin of db/queries/serving-set.ts's reads): every version an alias
// named `production` points at, every version of a weighted split, every shadow version; and the
// versions stored as given artifacts.
import { sql } from 'drizzle-orm';
import type { ArtifactVersionRow, ServingSetRow } from '../../queries/serving-set';
import type { PgDb } from '../client';

/** The row type as a plain object type, which execute's row constraint (an index signature) accepts and an interface does not. */
type Plain<T> = { [K in keyof T]: T[K] };

/** One row per (version, role); a version in several roles appears once per role. */
export async function listServingSetPg(db: PgDb): Promise<ServingSetRow[]> {
  const result = await db.execute<Plain<ServingSetRow>>(
    sql`SELECT m.name AS model, v.number AS version, v.sha256 AS sha256, s.role AS role FROM (
          SELECT version_id, 'production' AS role FROM aliases WHERE name = 'production'
          UNION SELECT version_id, 'split' AS role FROM alias_weights
          UNION SELECT version_id, 'shadow' AS role FROM shadows
        ) s JOIN model_versions v ON v.id = s.version_id JOIN models m ON m.id = v.model_id
        ORDER BY m.name, v.number, s.role`,
  );
  return result.rows;
}

/** Every version (of every model) stored as one of these artifacts. */
export async function listArtifactVersionsPg(db: PgDb, sha256s: string[]): Promise<ArtifactVersionRow[]> {
  if (sha256s.length === 0) return [];
  const result = await db.execute<Plain<ArtifactVersionRow>>(
    sql`SELECT m.name AS model, v.number AS version, v.sha256 AS sha256 FROM model_versions v JOIN models m ON m.id = v.model_id
        WHERE v.sha256 = ANY(${sql.param(sha256s)}::text[]) ORDER BY m.name, v.number`,
  );
  return result.rows;
}
