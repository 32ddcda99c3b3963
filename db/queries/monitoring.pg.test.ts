// The rollup reads on a real, migrated PostgreSQL database (the suite: ./monitoring.suite.ts).
import { freshPgDb } from '../pg/test-pg';
import { monitoringSuite } from './monitoring.suite';

monitoringSuite(freshPgDb);
