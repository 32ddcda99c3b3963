// Stored verdicts and traffic reads on a real, migrated PostgreSQL database (the suite: ./verdicts.suite.ts).
import { freshPgDb } from '../pg/test-pg';
import { verdictsSuite } from './verdicts.suite';

verdictsSuite(freshPgDb);
