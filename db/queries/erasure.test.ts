// Erasure on a real, migrated SQLite file (the suite: ./erasure.suite.ts).
import { freshDb } from '../test-db';
import { erasureSuite } from './erasure.suite';

erasureSuite(async () => freshDb());
