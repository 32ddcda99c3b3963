// The outbox on a real, migrated SQLite file (the suite: ./outbox.suite.ts).
import { freshDb } from '../test-db';
import { outboxSuite } from './outbox.suite';

outboxSuite(async () => freshDb());
