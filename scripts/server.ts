// The production server: applies migrations, then serves the Next.js app on PORT/HOSTNAME.
// (Prediction routes get a lean fast path here with the serving issue.)
import { createServer } from 'node:http';
import { join } from 'node:path';
import next from 'next';
import { closeHandle } from '../db/client';
import { migrateDatabase } from '../db/migrate';
import { env } from '../lib/env';
import { prepareStore } from '../lib/server/artifact-store';

async function main(): Promise<void> {
  migrateDatabase(env.DATA_DIR);
  await prepareStore();
  const app = next({ dev: false, dir: join(__dirname, '..'), hostname: env.HOSTNAME, port: env.PORT });
  await app.prepare();
  const handle = app.getRequestHandler();
  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      console.error('[modeldock] request failed', err);
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/problem+json' });
      res.end(JSON.stringify({ type: 'about:blank', title: 'Internal Server Error', status: 500, detail: 'an internal error occurred', code: 'internal', errors: [] }));
    });
  });
  server.listen(env.PORT, env.HOSTNAME, () => {
    console.log(`Modeldock listening on http://${env.HOSTNAME}:${env.PORT} (data in ${env.DATA_DIR})`);
  });

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: draining requests`);
    server.close(() => {
      closeHandle();
      process.exit(0);
    });
    server.closeIdleConnections();
    setTimeout(() => process.exit(0), 10_000).unref();
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((err: unknown) => {
  console.error('[modeldock] failed to start', err);
  process.exit(1);
});
