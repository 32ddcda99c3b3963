// `npm run db:generate [-- drizzle-kit options]`: drizzle-kit writes the migrations for the schemas'
// changes, SQLite (db/schema.ts → db/migrations) and PostgreSQL (db/pg/schema.ts → db/pg/migrations),
// then each dialect's custom steps (db/custom-steps.ts, db/pg/custom-steps.ts) are applied to the SQL
// files it wrote. Read the result before committing it with its meta (see db/migrations/README.md).
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { applyCustomSteps } from '../db/custom-steps';
import { applyPgCustomSteps } from '../db/pg/custom-steps';

const root = join(__dirname, '..');
const dialects = [
  { config: 'drizzle.config.ts', dir: join(root, 'db', 'migrations'), steps: applyCustomSteps },
  { config: 'drizzle.pg.config.ts', dir: join(root, 'db', 'pg', 'migrations'), steps: applyPgCustomSteps },
];

for (const { config, dir, steps } of dialects) {
  const sqlFiles = () => new Set(readdirSync(dir).filter((f) => f.endsWith('.sql')));
  const before = sqlFiles();
  const run = spawnSync('npx', ['drizzle-kit', 'generate', '--config', config, ...process.argv.slice(2)], { stdio: 'inherit' });
  if (run.status !== 0) process.exit(run.status ?? 1);
  for (const file of sqlFiles()) {
    if (before.has(file)) continue;
    const path = join(dir, file);
    const sql = readFileSync(path, 'utf8');
    const stepped = steps(sql);
    if (stepped !== sql) {
      writeFileSync(path, stepped);
      console.log(`${file}: custom steps applied (${config})`);
    }
  }
}
