// The change signal of a PostgreSQL fleet (ChangeSource, as db/change-signal.ts is for SQLite): a
// replica's serving and key caches must see an alias moved or a key revoked through any other
// replica. Every writer bumps the counter row fleet_state['changes'] in its own transaction and
// NOTIFYs the new value, delivered at COMMIT (a rolled-back change is no change). Each replica
// LISTENs on one dedicated connection for speed, and because notifications are lost through
// transaction poolers and while the listener reconnects, also polls the counter every pollMs
// (250 ms: 4 small queries a second per replica) so correctness rests on the poll alone.
// Measured (db/pg/change-feed.pg.test.ts, local PostgreSQL 15, 20 changes, two watching replicas):
// from the start of the writer's transaction (itself ~2 ms) to another replica's current() moving,
// p50 ≈ 3 ms, p99 9–12 ms, all 20 by NOTIFY; with notifications off, 249–252 ms at pollMs 250.
import { sql } from 'drizzle-orm';
import pg from 'pg';
import type { ChangeSource } from '../change-signal';
import type { PgHandle, PgTx } from './client';
import { DB_NOW_MS } from './queries/fleet';

export const CHANNEL = 'modeldock_changes';
/** The listener's application_name, so operators (and the tests) can tell its connection apart. */
export const LISTENER_NAME = 'modeldock-listener';
const MIN_POLL_MS = 10;
const MAX_POLL_MS = 5_000;
const FIRST_BACKOFF_MS = 100;
const MAX_BACKOFF_MS = 5_000;

/** Counts the change inside the caller's transaction; the notification goes out only if it commits. */
export async function bumpChanges(tx: Pick<PgTx, 'execute'>): Promise<number> {
  const res = await tx.execute<{ value: number }>(sql`
    WITH bumped AS (
      INSERT INTO fleet_state (key, value, updated_at) VALUES ('changes', 1, ${DB_NOW_MS})
      ON CONFLICT (key) DO UPDATE SET value = fleet_state.value + 1, updated_at = EXCLUDED.updated_at
      RETURNING value
    )
    SELECT value, pg_notify(${CHANNEL}, value::text) FROM bumped`);
  return res.rows[0].value;
}

/** How each change this feed saw reached it (the poll catching many means notifications are being lost). */
export interface SeenBy {
  notify: number;
  poll: number;
  reconnect: number;
}

export interface FeedOptions {
  /** Bound on how late another replica's change is seen without notifications (clamped to 10 ms … 5 s). */
  pollMs?: number;
  /** Off: rely on the poll alone (behind a transaction pooler, where LISTEN does not work). */
  listen?: boolean;
}

export class PgChangeFeed implements ChangeSource {
  readonly seenBy: SeenBy = { notify: 0, poll: 0, reconnect: 0 };
  private version = 0;
  /** The counter's value as last read or notified. */
  private seen = 0;
  /** Notifications received: a poll that overlapped one may have read an older counter. */
  private notified = 0;
  private listener: pg.Client | null = null;
  private pollTimer: NodeJS.Timeout | null = null;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private backoffMs = FIRST_BACKOFF_MS;
  private polling = false;
  private pollFailing = false;
  private closed = false;
  private readonly pollMs: number;
  private readonly listen: boolean;

  private constructor(
    private readonly handle: PgHandle,
    { pollMs = 250, listen = true }: FeedOptions,
  ) {
    this.pollMs = Math.min(MAX_POLL_MS, Math.max(MIN_POLL_MS, pollMs));
    this.listen = listen;
  }

  /** A feed that is listening and has read the counter once (it throws, and leaves nothing running, if either fails). */
  static async open(handle: PgHandle, options: FeedOptions = {}): Promise<PgChangeFeed> {
    const feed = new PgChangeFeed(handle, options);
    try {
      if (feed.listen) await feed.connect(false);
      feed.seen = await feed.read();
    } catch (err) {
      await feed.close();
      throw err;
    }
    feed.pollTimer = setInterval(() => void feed.poll(), feed.pollMs);
    feed.pollTimer.unref();
    return feed;
  }

  current(): number {
    return this.version;
  }

  /** This process's own write, seen at once; its notification moves current() once more (one extra cache reload). */
  bump(): void {
    this.version++;
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.pollTimer) clearInterval(this.pollTimer);
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    const listener = this.listener;
    this.listener = null;
    if (listener) await listener.end();
  }

  private readonly listeners: (() => void)[] = [];

  subscribe(listener: () => void): void {
    this.listeners.push(listener);
  }

  private observe(value: number, via: 'notify' | 'poll'): void {
    if (value === this.seen) return;
    this.seen = value;
    this.seenBy[via]++;
    this.moved();
  }

  /** Another process's change (or a possible one): the version moves and the listeners hear of it. */
  private moved(): void {
    this.version++;
    for (const l of this.listeners) {
      try {
        l();
      } catch (err) {
        console.error('postgres: a change listener failed', err);
      }
    }
  }

  private async read(): Promise<number> {
    const res = await this.handle.db.execute<{ value: number }>(sql`SELECT value FROM fleet_state WHERE key = 'changes'`);
    return res.rows[0]?.value ?? 0;
  }

  private async poll(): Promise<void> {
    if (this.polling || this.closed) return;
    this.polling = true;
    const notified = this.notified;
    try {
      const value = await this.read();
      if (this.notified === notified) this.observe(value, 'poll');
      if (this.pollFailing) console.error('postgres: change poll works again');
      this.pollFailing = false;
    } catch (err) {
      // Logged once per outage; the interval keeps trying, and the caches keep their last version.
      if (!this.pollFailing) console.error(`postgres: change poll failed: ${(err as Error).message}`);
      this.pollFailing = true;
    } finally {
      this.polling = false;
    }
  }

  private async connect(reconnecting: boolean): Promise<void> {
    const client = new pg.Client({ connectionString: this.handle.url, application_name: LISTENER_NAME });
    this.listener = client;
    client.on('notification', (msg) => {
      if (this.listener !== client || msg.channel !== CHANNEL) return;
      this.notified++;
      const value = Number(msg.payload);
      if (Number.isFinite(value)) this.observe(value, 'notify');
      else this.moved();
    });
    client.on('error', (err) => this.lost(client, err));
    client.on('end', () => this.lost(client, null));
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANNEL}`);
    } catch (err) {
      if (!reconnecting) throw err;
      this.lost(client, err as Error);
      return;
    }
    if (this.listener !== client) return;
    this.backoffMs = FIRST_BACKOFF_MS;
    if (reconnecting) {
      // Whatever was notified while no one listened is lost: the caches look again once.
      console.error('postgres: change listener connected again');
      this.seenBy.reconnect++;
      this.moved();
    }
  }

  /** The listener's connection failed or ended: drop it and, unless closing, connect again after a backoff. */
  private lost(client: pg.Client, err: Error | null): void {
    if (this.listener !== client) return;
    this.listener = null;
    client.end().catch(() => undefined); // already broken: its own end can only fail the same way
    if (this.closed) return;
    console.error(`postgres: change listener lost (${err?.message ?? 'connection ended'}); reconnecting in ${this.backoffMs} ms`);
    const wait = this.backoffMs;
    this.backoffMs = Math.min(MAX_BACKOFF_MS, this.backoffMs * 2);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      void this.connect(true);
    }, wait);
    this.reconnectTimer.unref();
  }
}
