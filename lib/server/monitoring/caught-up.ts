// Rollups that include everything logged so far, for a reader (monitoring, a verdict, a drift
// detail, a comparison): folded by the rollup worker when one runs, so the serving thread never
// folds; here, on the caller's connection, otherwise (tests, command-line tools).
import { runtime } from '../../runtime/runtime';
import { db } from '../lookups';
import { catchUpRollups } from './rollup';

export async function rollupsCaughtUp(): Promise<void> {
  const fold = runtime().foldRollups;
  if (fold) await fold();
  else catchUpRollups(db());
}
