// Alias queries on a real, migrated SQLite file (the suite: ./aliases.suite.ts).
import { freshDb } from '../test-db';
import { aliasesSuite } from './aliases.suite';

aliasesSuite(async () => freshDb());
