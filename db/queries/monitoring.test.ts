// The rollup reads on a real, migrated SQLite file (the suite: ./monitoring.suite.ts).
import { freshDb } from '../test-db';
import { monitoringSuite } from './monitoring.suite';

monitoringSuite(async () => freshDb());
