// End-to-end tests against the production server (next build + scripts/server.ts) on a throwaway
// DATA_DIR: API specs use the request fixture, UI specs drive Debian's Chromium.
import { defineConfig } from '@playwright/test';
import { join } from 'node:path';

const port = Number(process.env.E2E_PORT ?? 3100);
// Set once in the runner process; workers inherit it, so every process agrees on the folder.
process.env.E2E_DATA_DIR ??= join(__dirname, '.test-data', `e2e-${Date.now()}`);
const baseURL = `http://127.0.0.1:${port}`;
process.env.E2E_BASE_URL = baseURL;

export default defineConfig({
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: true,
  workers: 2,
  forbidOnly: true,
  retries: 0,
  outputDir: '.test-data/test-results',
  reporter: [['list'], ['json', { outputFile: '.test-data/playwright.json' }]],
  use: { baseURL, trace: 'retain-on-failure' },
  webServer: {
    command: 'npx tsx scripts/server.ts',
    url: `${baseURL}/api/health`,
    reuseExistingServer: false,
    timeout: 120_000,
    stdout: 'ignore',
    stderr: 'pipe',
    env: { DATA_DIR: process.env.E2E_DATA_DIR, PORT: String(port), HOSTNAME: '127.0.0.1', MAX_UPLOAD_MB: '8' },
  },
  projects: [
    { name: 'api', testDir: 'e2e/api', testIgnore: 'rejected-uploads.spec.ts' },
    // Compares the whole artifact store before and after each refused upload, so it runs after
    // the other projects, when no other worker is uploading.
    { name: 'store', testDir: 'e2e/api', testMatch: 'rejected-uploads.spec.ts', dependencies: ['api', 'ui'] },
    {
      name: 'ui',
      testDir: 'e2e/ui',
      use: {
        browserName: 'chromium',
        viewport: { width: 1280, height: 900 },
        screenshot: 'on',
        launchOptions: {
          executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
          args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync', '--disable-quic'],
        },
      },
    },
  ],
});
