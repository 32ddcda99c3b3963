// The outcome store's join rule on a real, migrated PostgreSQL database (the suite: ./outcomes.suite.ts).
import { freshPgDb } from '../pg/test-pg';
import { outcomesSuite } from './outcomes.suite';

outcomesSuite(freshPgDb);
