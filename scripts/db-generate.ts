// `npm run db:generate [-- drizzle-kit options]`: drizzle-kit writes the migration for the schema's
// changes, then the custom steps of db/custom-steps.ts are applied to the SQL files it wrote. Read
// the result before committing it with its meta (see db/migrations/README.md).
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { applyCustomSteps } from '../db/custom-steps';

const dir = join(__dirname, '..', 'db', 'migrations');
const sqlFiles = () => new Set(readdirSync(dir).filter((f) => f.endsWith('.sql')));
const before = sqlFiles();
const run = spawnSync('npx', ['drizzle-kit', 'generate', ...process.argv.slice(2)], { stdio: 'inherit' });
if (run.status !== 0) process.exit(run.status ?? 1);
for (const file of sqlFiles()) {
  if (before.has(file)) continue;
  const path = join(dir, file);
  const sql = readFileSync(path, 'utf8');
  const stepped = applyCustomSteps(sql);
  if (stepped !== sql) {
    writeFileSync(path, stepped);
    console.log(`${file}: custom steps applied (db/custom-steps.ts)`);
  }
}
