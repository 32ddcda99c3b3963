// Serving look-ups on SQLite (the suite: ./serving.suite.ts).
import { freshDb } from '../test-db';
import { servingSuite } from './serving.suite';

servingSuite(async () => freshDb());
