// What drizzle-kit cannot say for PostgreSQL, applied by `npm run db:generate` to every PostgreSQL
// migration it writes (scripts/db-generate.ts), so a generated migration needs no hand edit:
// - prediction_requests is range-partitioned on logged_at (the time inside the request's ULID);
//   the app creates the monthly partitions (db/pg/partitions.ts).
export const PARTITIONED_TABLES = { prediction_requests: 'RANGE ("logged_at")' } as const;

/** The statement with each CREATE TABLE of a partitioned table ending in its PARTITION BY clause. */
export function applyPgCustomSteps(sql: string): string {
  let out = sql;
  for (const [table, by] of Object.entries(PARTITIONED_TABLES)) {
    const create = new RegExp(`(CREATE TABLE "${table}" \\([\\s\\S]*?\\n\\))( PARTITION BY [^;]*)?;`, 'g');
    out = out.replace(create, (_, body: string) => `${body} PARTITION BY ${by};`);
  }
  return out;
}
