// Rollups that include everything logged so far, for a reader (monitoring, a verdict, a drift
// detail, a comparison): folded by the rollup worker when one runs, so the serving thread never
// folds; here, on the caller's connection, otherwise (tests, command-line tools).
import { runtime } from '../../runtime/runtime';
import { db } from '../lookups';
import { catchUpRollups } from './rollup';
import { catchUpRollupsPg } from './rollup-pg';
import { isPg } from '../../../db/any-db';

export async function rollupsCaughtUp(): Promise<void> {
  const fold = runtime().foldRollups;
  if (fold) return fold();
  const database = db();
  // On PostgreSQL any replica may fold (under the fold's advisory lock): the reader folds what is left.
  if (isPg(database)) await catchUpRollupsPg(database);
  else catchUpRollups(database);
}
