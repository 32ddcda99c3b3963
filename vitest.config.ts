import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: { alias: { '@': fileURLToPath(new URL('.', import.meta.url)) } },
  test: {
    include: ['lib/**/*.test.ts', 'inference/**/*.test.ts', 'db/**/*.test.ts', 'components/**/*.test.ts', 'scripts/**/*.test.ts'],
    // The PostgreSQL suite runs on its own (vitest.pg.config.ts), against a cluster it starts.
    exclude: ['**/node_modules/**', '**/*.pg.test.ts'],
    environment: 'node',
    pool: 'forks',
  },
});
