// Model queries on a real, migrated PostgreSQL database (the suite: ./models.suite.ts).
import { freshPgDb } from '../pg/test-pg';
import { modelsSuite } from './models.suite';

modelsSuite(freshPgDb);
