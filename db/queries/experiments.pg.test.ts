// Split and shadow queries on a real, migrated PostgreSQL database (the suite: ./experiments.suite.ts).
import { freshPgDb } from '../pg/test-pg';
import { experimentsSuite } from './experiments.suite';

experimentsSuite(freshPgDb);
