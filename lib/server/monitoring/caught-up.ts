// Rollups that include everything logged so far: for an erasure (which deletes only folded rows)
// and, through currentRollupReads, for a reader (monitoring, a verdict, a drift detail, a
// comparison). Folded by the rollup worker when one runs, so the serving thread never folds; here,
// on the caller's connection, otherwise (tests, command-line tools).
import { runtime } from '../../runtime/runtime';
import { db } from '../lookups';
import { catchUpRollups } from './rollup';
import { catchUpRollupsPg, foldIfFreePg, monitoringReadsWithPendingPg } from './rollup-pg';
import { monitoringReads, type MonitoringReads } from '../../../db/queries/monitoring';
import { isPg } from '../../../db/any-db';

export async function rollupsCaughtUp(): Promise<void> {
  const fold = runtime().foldRollups;
  if (fold) return fold();
  const database = db();
  // On PostgreSQL any replica may fold (under the fold's advisory lock): the reader folds what is left.
  if (isPg(database)) await catchUpRollupsPg(database);
  else catchUpRollups(database);
}

/**
 * The rollup reads of a reader (monitoring, a verdict, a drift detail, a comparison), holding every
 * prediction logged before it asked. SQLite: the rollups, caught up (one writer folds, at once).
 * PostgreSQL: what is folded plus what is committed but not folded yet, from one snapshot, so no
 * reader waits for another replica's fold or for an open transaction elsewhere in the cluster.
 */
export async function currentRollupReads(): Promise<MonitoringReads> {
  const database = db();
  if (!isPg(database)) {
    await rollupsCaughtUp();
    return monitoringReads(database);
  }
  await foldIfFreePg(database);
  return monitoringReadsWithPendingPg(database);
}
