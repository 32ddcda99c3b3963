// Experiment reads (traffic events, serving set, comparison reads) on a real, migrated SQLite file (the suite: ./experiment-reads.suite.ts).
import { freshDb } from '../test-db';
import { experimentReadsSuite } from './experiment-reads.suite';

experimentReadsSuite(async () => freshDb());
