// Stored verdicts and traffic reads on a real, migrated SQLite file (the suite: ./verdicts.suite.ts).
import { freshDb } from '../test-db';
import { verdictsSuite } from './verdicts.suite';

verdictsSuite(async () => freshDb());
