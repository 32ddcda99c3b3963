// What drizzle's schema cannot say, declared here and applied by `npm run db:generate` to every
// migration it writes (scripts/db-generate.ts), so a generated migration needs no hand edit:
// - prediction_keys is a WITHOUT ROWID table: its rows are small and always read through the whole
//   primary key (model, client id, time), which then is the table itself (one B-tree instead of a
//   rowid table plus an index); drizzle's sqliteTable has no option for it.
// Migration 0001 (landed with this step applied by hand) and 0004 (a rebuild of prediction_keys
// that also fills it from the log, written by hand as a custom migration) are what these steps
// produce; db/migrations.test.ts checks both, and that the schema and the snapshots agree.
export const WITHOUT_ROWID_TABLES = ['prediction_keys'] as const;

/** The statement with each CREATE TABLE of a WITHOUT ROWID table (or drizzle's `__new_` rebuild of one) ending in WITHOUT ROWID. */
export function applyCustomSteps(sql: string): string {
  let out = sql;
  for (const table of WITHOUT_ROWID_TABLES) {
    const create = new RegExp(`(CREATE TABLE \`(?:__new_)?${table}\` \\([\\s\\S]*?\\n\\))( WITHOUT ROWID)?;`, 'g');
    out = out.replace(create, (_, body: string) => `${body} WITHOUT ROWID;`);
  }
  return out;
}
