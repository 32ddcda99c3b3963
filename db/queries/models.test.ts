// Model queries on a real, migrated SQLite file (the suite: ./models.suite.ts).
import { freshDb } from '../test-db';
import { modelsSuite } from './models.suite';

modelsSuite(async () => freshDb());
