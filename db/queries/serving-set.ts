// The serving set (what the model cache keeps resident while it fits): every version an alias named
// `production` points at, every version of a weighted split (a canary), every shadow version; and the
// versions behind loaded artifacts, for the runtime listing. Statements prepared once per connection:
// the model cache asks for the set synchronously (SQLite only); async callers use listServingSet and
// listArtifactVersions, which PostgreSQL answers too (db/pg/queries/serving-set.ts).
import type { ServingRole } from '../../lib/schemas/runtime';
import { isPg, type AnyDb } from '../any-db';
import { prepared, type Db } from '../client';
import { listArtifactVersionsPg, listServingSetPg } from '../pg/queries/serving-set';

export type { ServingRole };

export interface ServingSetRow {
  model: string;
  version: number;
  sha256: string;
  role: ServingRole;
}
export interface ArtifactVersionRow {
  model: string;
  version: number;
  sha256: string;
}

export interface ServingSetQueries {
  /** One row per (version, role); a version in several roles appears once per role. */
  servingSet(): ServingSetRow[];
  /** Every version (of every model) stored as one of these artifacts. */
  versionsOf(sha256s: string[]): ArtifactVersionRow[];
}

export function servingSetQueries(db: Db): ServingSetQueries {
  return prepared(db, 'serving-set', prepareServingSetQueries);
}

export async function listServingSet(db: AnyDb): Promise<ServingSetRow[]> {
  if (isPg(db)) return listServingSetPg(db);
  return servingSetQueries(db).servingSet();
}

export async function listArtifactVersions(db: AnyDb, sha256s: string[]): Promise<ArtifactVersionRow[]> {
  if (isPg(db)) return listArtifactVersionsPg(db, sha256s);
  return servingSetQueries(db).versionsOf(sha256s);
}

function prepareServingSetQueries(sqlite: Db['$client']): ServingSetQueries {
  const serving = sqlite.prepare(
    `SELECT m.name AS model, v.number AS version, v.sha256 AS sha256, s.role AS role FROM (
       SELECT version_id, 'production' AS role FROM aliases WHERE name = 'production'
       UNION SELECT version_id, 'split' AS role FROM alias_weights
       UNION SELECT version_id, 'shadow' AS role FROM shadows
     ) s JOIN model_versions v ON v.id = s.version_id JOIN models m ON m.id = v.model_id
     ORDER BY m.name, v.number, s.role`,
  );
  const versions = sqlite.prepare(
    `SELECT m.name AS model, v.number AS version, v.sha256 AS sha256 FROM model_versions v JOIN models m ON m.id = v.model_id
     WHERE v.sha256 IN (SELECT value FROM json_each(?)) ORDER BY m.name, v.number`,
  );
  return {
    servingSet: () => serving.all() as ServingSetRow[],
    versionsOf: (sha256s) => (sha256s.length === 0 ? [] : (versions.all(JSON.stringify(sha256s)) as ArtifactVersionRow[])),
  };
}
