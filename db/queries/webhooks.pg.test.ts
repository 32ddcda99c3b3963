// Webhooks on a real, migrated PostgreSQL database (the suite: ./webhooks.suite.ts).
import { freshPgDb } from '../pg/test-pg';
import { webhooksSuite } from './webhooks.suite';

webhooksSuite(freshPgDb);
