// Reads of the prediction log on a real, migrated SQLite file (the suite: ./log-reads.suite.ts).
import { freshDb } from '../test-db';
import { logReadsSuite } from './log-reads.suite';

logReadsSuite(async () => freshDb());
