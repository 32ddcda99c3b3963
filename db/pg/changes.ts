// The fleet's change counter: a registry or key change bumps it inside the transaction that makes
// the change and notifies the other replicas at COMMIT (pg_notify is transactional); replicas poll
// the counter too, since a notification can be lost (db/pg/change-feed.ts watches both).
import { sql } from 'drizzle-orm';
import type { PgDb, PgTx } from './client';

export const CHANGES_KEY = 'changes';
export const CHANGES_CHANNEL = 'modeldock_changes';

/** Moves the fleet's change counter; call inside the changing transaction (also bumps this process's signal). */
export async function bumpFleetChanges(tx: PgTx | PgDb, db: PgDb): Promise<void> {
  await tx.execute(
    sql`INSERT INTO fleet_state (key, value, updated_at) VALUES (${CHANGES_KEY}, 1, ${Date.now()})
        ON CONFLICT (key) DO UPDATE SET value = fleet_state.value + 1, updated_at = excluded.updated_at`,
  );
  await tx.execute(sql`SELECT pg_notify(${CHANGES_CHANNEL}, '')`);
  db.changes.bump();
}
