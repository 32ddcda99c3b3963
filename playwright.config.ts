// End-to-end tests against the production server (next build + lib/http/server.ts) on a throwaway
// DATA_DIR: API specs use the request fixture, UI specs drive Debian's Chromium.
import { defineConfig } from '@playwright/test';
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { serverCommand } from './scripts/testing/server-command';

const port = Number(process.env.E2E_PORT ?? 3100);
// Set once in the runner process; workers inherit it, so every process agrees on the folder.
process.env.E2E_DATA_DIR ??= join(__dirname, '.test-data', `e2e-${Date.now()}`);
// The server's own TMPDIR: tests look there for stray files, never at the machine's shared /tmp.
process.env.E2E_TMP_DIR ??= `${process.env.E2E_DATA_DIR}-tmp`;
mkdirSync(process.env.E2E_TMP_DIR, { recursive: true });
const baseURL = `http://127.0.0.1:${port}`;
process.env.E2E_BASE_URL = baseURL;
// Credentials of this run: API specs send the admin key; the browser signs in as the admin
// (created at start from MODELDOCK_ADMIN_PASSWORD) once, in the setup project.
process.env.E2E_ADMIN_KEY ??= `mdk_e2e_${randomBytes(16).toString('hex')}`;
process.env.E2E_ADMIN_PASSWORD ??= `pw-${randomBytes(8).toString('hex')}`;
process.env.E2E_AUTH_STATE ??= join(process.env.E2E_DATA_DIR, '..', `${process.env.E2E_DATA_DIR.split(/[\\/]/).pop()}-browser.json`);
const apiAuth = { extraHTTPHeaders: { authorization: `Bearer ${process.env.E2E_ADMIN_KEY}` } };
// With E2E_DATABASE_URL (scripts/pg/with-cluster.ts sets it), the shared server runs on that
// PostgreSQL database and the run is the API suite only: the same specs, the other engine.
const pgUrl = process.env.E2E_DATABASE_URL;
const report = pgUrl ? '.test-data/playwright-pg.json' : '.test-data/playwright.json';

export default defineConfig({
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: true,
  workers: 2,
  forbidOnly: true,
  retries: 0,
  outputDir: '.test-data/test-results',
  reporter: [['list'], ['json', { outputFile: report }]],
  use: { baseURL, trace: 'retain-on-failure' },
  webServer: {
    command: serverCommand()
      .map((a) => JSON.stringify(a))
      .join(' '),
    url: `${baseURL}/api/health`,
    reuseExistingServer: false,
    timeout: 120_000,
    stdout: 'ignore',
    stderr: 'pipe',
    env: {
      DATA_DIR: process.env.E2E_DATA_DIR,
      TMPDIR: process.env.E2E_TMP_DIR,
      PORT: String(port),
      HOSTNAME: '127.0.0.1',
      MAX_UPLOAD_MB: '8',
      MODELDOCK_ADMIN_KEY: process.env.E2E_ADMIN_KEY,
      MODELDOCK_ADMIN_PASSWORD: process.env.E2E_ADMIN_PASSWORD,
      ...(pgUrl ? { DATABASE_URL: pgUrl } : {}),
    },
  },
  projects: [
    { name: 'api', testDir: 'e2e/api', testIgnore: ['rejected-uploads.spec.ts', 'export-memory.spec.ts'], use: apiAuth },
    // Compares the whole artifact store before and after each refused upload, so it runs after
    // the other projects, when no other worker is uploading.
    // (On PostgreSQL runs there is no UI project: after the API's.)
    { name: 'store', testDir: 'e2e/api', testMatch: 'rejected-uploads.spec.ts', dependencies: pgUrl ? ['api'] : ['api', 'ui'], use: apiAuth },
    // Exports a million rows on a server of its own, two cores busy for a minute: after the other
    // projects, so their timing-sensitive specs are not starved (alone: --project=memory --no-deps).
    { name: 'memory', testDir: 'e2e/api', testMatch: 'export-memory.spec.ts', dependencies: ['api', 'ui'], use: apiAuth },
    // Replicas on PostgreSQL behind haproxy, each spec's servers and cluster its own: after the
    // other projects, so its latency bounds do not compete with them for the two cores.
    { name: 'replicas', testDir: 'e2e/replicas', dependencies: ['api', 'ui'] },
    // Signs the browser in through the login page and saves the session for the UI specs.
    {
      name: 'setup',
      testDir: 'e2e/setup',
      testMatch: /.*\.setup\.ts$/,
      use: {
        browserName: 'chromium',
        launchOptions: {
          executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
          args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
        },
      },
    },
    {
      name: 'ui',
      testDir: 'e2e/ui',
      dependencies: ['setup'],
      use: {
        storageState: process.env.E2E_AUTH_STATE,
        browserName: 'chromium',
        viewport: { width: 1280, height: 900 },
        screenshot: 'on',
        launchOptions: {
          executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
          args: [
            '--no-sandbox',
            '--disable-gpu',
            '--disable-background-networking',
            '--disable-component-update',
            '--no-first-run',
            '--disable-sync',
            '--disable-quic',
          ],
        },
      },
    },
  ],
});
