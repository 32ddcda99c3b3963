// Event log queries on a real, migrated SQLite file (the suite: ./events.suite.ts).
import { freshDb } from '../test-db';
import { eventsSuite } from './events.suite';

eventsSuite(async () => freshDb());
