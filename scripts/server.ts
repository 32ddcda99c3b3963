// The production server: applies migrations, loads the production versions, then serves the
// prediction routes on a lean fast path and everything else through Next.js, on PORT/HOSTNAME.
import { createServer } from 'node:http';
import { Worker } from 'node:worker_threads';
import { join } from 'node:path';
import next from 'next';
import { startCheckpointer } from '../db/checkpointer';
import { closeHandle, getHandle } from '../db/client';
import { migrateDatabase } from '../db/migrate';
import { env } from '../lib/env';
import { prepareStore } from '../lib/server/artifact-store';
import { ensureEnvAdmin } from '../lib/server/access/accounts';
import { handleFastPath } from '../lib/server/http/fast-path';
import { guardPage } from '../lib/server/http/page-guard';
import { serving } from '../lib/server/predictions/serving-state';

/** The rollup processor runs in a worker thread with its own connection. */
function startRollups(): { stop(): Promise<void> } {
  // Workers do not inherit tsx's loader: register it, then load the TypeScript entry.
  const entry = join(__dirname, '..', 'lib', 'server', 'monitoring', 'rollup-worker.ts');
  const worker = new Worker(`require('tsx/cjs/api').register(); require(${JSON.stringify(entry)});`, { eval: true, workerData: { dataDir: env.DATA_DIR, intervalMs: env.ROLLUP_INTERVAL_MS } });
  worker.on('error', (err) => console.error('[modeldock] rollup worker failed', err));
  worker.unref();
  return {
    stop: () => new Promise((resolve) => {
      worker.once('message', () => { void worker.terminate().then(() => resolve()); });
      worker.once('exit', () => resolve());
      worker.postMessage('stop');
    }),
  };
}

/** Loads every production version's session before the first request. */
async function warmProduction(): Promise<void> {
  const { lookups, sessions } = serving();
  for (const sha of lookups.productionShas()) {
    await sessions.warm(sha).catch((err: unknown) => console.error(`[modeldock] could not load ${sha}`, err));
  }
}

async function main(): Promise<void> {
  migrateDatabase(env.DATA_DIR);
  const checkpointer = startCheckpointer(getHandle(env.DATA_DIR).sqlite);
  await prepareStore();
  await ensureEnvAdmin();
  const app = next({ dev: false, dir: join(__dirname, '..'), hostname: env.HOSTNAME, port: env.PORT });
  await app.prepare();
  await warmProduction();
  const rollups = startRollups();
  const handle = app.getRequestHandler();
  const server = createServer((req, res) => {
    // The peer's address, for sign-in throttling; a client-sent value is overwritten.
    req.headers['x-modeldock-remote'] = req.socket.remoteAddress ?? 'unknown';
    if (handleFastPath(req, res)) return;
    try {
      if (guardPage(req, res)) return;
    } catch (err) {
      console.error('[modeldock] page guard failed', err);
      res.writeHead(503, { 'content-type': 'text/plain' }).end('Modeldock cannot read its database');
      return;
    }
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
    // In-flight requests finish (their log rows commit), then the log, sessions and DB close.
    server.close(() => {
      serving().log.flush();
      void serving().sessions.close()
        .then(() => rollups.stop())
        .then(() => checkpointer.stop())
        .finally(() => {
          closeHandle();
          process.exit(0);
        });
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
