// Reads of the prediction log on a real, migrated PostgreSQL database (the suite: ./log-reads.suite.ts).
import { freshPgDb } from '../pg/test-pg';
import { logReadsSuite } from './log-reads.suite';

logReadsSuite(freshPgDb);
