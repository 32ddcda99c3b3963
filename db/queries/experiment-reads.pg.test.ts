// Experiment reads (traffic events, serving set, comparison reads) on a real, migrated PostgreSQL database (the suite: ./experiment-reads.suite.ts).
import { freshPgDb } from '../pg/test-pg';
import { experimentReadsSuite } from './experiment-reads.suite';

experimentReadsSuite(freshPgDb);
