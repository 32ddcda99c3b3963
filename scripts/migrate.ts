// `npm run db:migrate`: applies the committed migrations to DATA_DIR's database.
import { closeDatabase, openDatabase } from '../db/client';
import { migrateDatabase } from '../db/migrate';
import { env } from '../lib/env';

const database = openDatabase(env.DATA_DIR);
migrateDatabase(database.db);
closeDatabase(database);
console.log(`migrations applied to ${env.DATA_DIR}`);
