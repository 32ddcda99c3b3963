// Access queries on a real, migrated SQLite file (the suite: ./access.suite.ts).
import { freshDb } from '../test-db';
import { accessSuite } from './access.suite';

accessSuite(async () => freshDb());
