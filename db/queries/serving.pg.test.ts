// Serving look-ups on PostgreSQL (the suite: ./serving.suite.ts).
import { freshPgDb } from '../pg/test-pg';
import { servingSuite } from './serving.suite';

servingSuite(freshPgDb);
