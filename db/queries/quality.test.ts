// Refusal counts on a real, migrated SQLite file (the suite: ./quality.suite.ts).
import { freshDb } from '../test-db';
import { qualitySuite } from './quality.suite';

qualitySuite(async () => freshDb());
