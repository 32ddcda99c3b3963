// Split and shadow queries on a real, migrated SQLite file (the suite: ./experiments.suite.ts).
import { freshDb } from '../test-db';
import { experimentsSuite } from './experiments.suite';

experimentsSuite(async () => freshDb());
