// Alias queries on a real, migrated PostgreSQL database (the suite: ./aliases.suite.ts).
import { freshPgDb } from '../pg/test-pg';
import { aliasesSuite } from './aliases.suite';

aliasesSuite(freshPgDb);
