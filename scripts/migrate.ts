// `npm run db:migrate`: applies the committed migrations to DATA_DIR's database.
import { migrateDatabase } from '../db/migrate';
import { env } from '../lib/env';

migrateDatabase(env.DATA_DIR);
console.log(`migrations applied to ${env.DATA_DIR}`);
