// Version queries on a real, migrated SQLite file (the suite: ./versions.suite.ts).
import { freshDb } from '../test-db';
import { versionsSuite } from './versions.suite';

versionsSuite(async () => freshDb());
