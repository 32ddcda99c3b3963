// Event log queries on a real, migrated PostgreSQL database (the suite: ./events.suite.ts).
import { freshPgDb } from '../pg/test-pg';
import { eventsSuite } from './events.suite';

eventsSuite(freshPgDb);
