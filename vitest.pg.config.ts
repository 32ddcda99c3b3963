// The PostgreSQL suite: *.pg.test.ts, against a throwaway cluster of Debian's PostgreSQL 15 that
// the global setup starts (scripts/pg/cluster.ts; `bash scripts/ensure-postgres.sh` installs it).
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: { alias: { '@': fileURLToPath(new URL('.', import.meta.url)) } },
  test: {
    include: ['lib/**/*.pg.test.ts', 'db/**/*.pg.test.ts', 'scripts/**/*.pg.test.ts'],
    globalSetup: ['scripts/pg/vitest-setup.ts'],
    environment: 'node',
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
