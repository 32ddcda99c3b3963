// The outcome store's join rule on a real, migrated SQLite file (the suite: ./outcomes.suite.ts).
import { freshDb } from '../test-db';
import { outcomesSuite } from './outcomes.suite';

outcomesSuite(async () => freshDb());
