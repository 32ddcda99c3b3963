// The look-ups every domain shares: the database of this process, and a model or version by what a
// request names (404 naming the field when there is none). The one place those errors are worded.
import type { AnyDb } from '../../db/any-db';
import { findModel } from '../../db/queries/models';
import { findVersion } from '../../db/queries/versions';
import type { ModelRow, VersionRow } from '../../db/schema';
import { notFound } from '../errors';
import { runtime } from '../runtime/runtime';

/** The database handle repository functions take: SQLite's, or PostgreSQL's with DATABASE_URL. */
export function db(): AnyDb {
  return runtime().database.db;
}

export const noModel = (name: string) => notFound('name', `no model named "${name}"`);
export const noVersion = (model: string, number: number, path = 'version') => notFound(path, `model "${model}" has no version ${number}`);
export const noAlias = (model: string, alias: string, hint = '', short = 'not found') =>
  notFound('alias', `model "${model}" has no alias "${alias}"${hint}`, short);

export async function requireModel(name: string): Promise<ModelRow> {
  const model = await findModel(db(), name);
  if (!model) throw noModel(name);
  return model;
}

/** The model's version `number`; `path` names the field that asked for it (version, a, b…). */
export async function requireVersion(model: ModelRow, number: number, path = 'version'): Promise<VersionRow> {
  const version = await findVersion(db(), { modelId: model.id, number });
  if (!version) throw noVersion(model.name, number, path);
  return version;
}
