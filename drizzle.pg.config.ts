// drizzle-kit for the PostgreSQL schema (`npm run db:generate` runs both dialects; see db/migrations/README.md).
import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'postgresql',
  schema: './db/pg/schema.ts',
  out: './db/pg/migrations',
});
