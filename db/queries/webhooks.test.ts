// Webhooks on a real, migrated SQLite file (the suite: ./webhooks.suite.ts).
import { freshDb } from '../test-db';
import { webhooksSuite } from './webhooks.suite';

webhooksSuite(async () => freshDb());
