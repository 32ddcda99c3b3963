// A registry or key change, told to the fleet: the counter moves inside the changing transaction
// and NOTIFY goes out at its COMMIT (db/pg/change-feed.ts, which also watches it on every replica);
// this process's own signal moves at once.
import { bumpChanges } from './change-feed';
import type { PgDb, PgTx } from './client';

/** Call inside the transaction that makes the change. */
export async function bumpFleetChanges(tx: PgTx | PgDb, db: PgDb): Promise<void> {
  await bumpChanges(tx);
  db.changes.bump();
}
