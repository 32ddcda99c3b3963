// Version queries on a real, migrated PostgreSQL database (the suite: ./versions.suite.ts).
import { freshPgDb } from '../pg/test-pg';
import { versionsSuite } from './versions.suite';

versionsSuite(freshPgDb);
