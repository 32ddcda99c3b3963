// The production server: applies migrations, loads the production versions, then serves the
// prediction routes on a lean fast path and everything else through Next.js, on PORT/HOSTNAME.
import { createServer, type ServerResponse } from 'node:http';
import { Worker } from 'node:worker_threads';
import { join } from 'node:path';
import next from 'next';
import { warmRuntime } from '../inference/warm-runtime';
import { startCheckpointer } from '../db/checkpointer';
import { closeHandle, getHandle } from '../db/client';
import { migrateDatabase } from '../db/migrate';
import { env } from '../lib/env';
import { prepareStore } from '../lib/server/artifact-store';
import { ensureEnvAdmin } from '../lib/server/access/accounts';
import { handleFastPath } from '../lib/server/http/fast-path';
import { watchBodyIdle } from '../lib/server/http/body-watch';
import { guardPage } from '../lib/server/http/page-guard';
import { guardPath, guardRequest } from '../lib/server/http/request-guard';
import { setSecurityHeaders } from '../lib/server/http/security-headers';
import { removeInstance, writeInstance } from '../lib/server/instance';
import { reportInFlight } from '../lib/server/metrics';
import { serving } from '../lib/server/predictions/serving-state';
import { startVerdictSweep } from '../lib/server/monitoring/verdict-sweep';

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
  await warmRuntime();
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
  const verdicts = startVerdictSweep();
  const handle = app.getRequestHandler();
  // Responses under way, so a shutdown can tell their connections to close once they are answered.
  const inFlight = new Set<ServerResponse>();
  reportInFlight(() => inFlight.size);
  let stopping = false;
  // connectionsCheckingInterval: how often node enforces headersTimeout/requestTimeout (default 30 s).
  const server = createServer({
    headersTimeout: Math.min(env.HEADERS_TIMEOUT_MS, env.REQUEST_TIMEOUT_MS),
    requestTimeout: env.REQUEST_TIMEOUT_MS,
    connectionsCheckingInterval: Math.min(1000, env.HEADERS_TIMEOUT_MS),
  }, (req, res) => {
    // The peer's address, for sign-in throttling; a client-sent value is overwritten.
    req.headers['x-modeldock-remote'] = req.socket.remoteAddress ?? 'unknown';
    if (stopping) res.shouldKeepAlive = false;
    inFlight.add(res);
    res.once('close', () => inFlight.delete(res));
    watchBodyIdle(req, res, env.BODY_IDLE_TIMEOUT_MS);
    if (guardPath(req, res) || handleFastPath(req, res) || guardRequest(req, res)) return;
    setSecurityHeaders(req, res);
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
    writeInstance(env.DATA_DIR, { port: env.PORT, hostname: env.HOSTNAME });
    console.log(`Modeldock listening on http://${env.HOSTNAME}:${env.PORT} (data in ${env.DATA_DIR})`);
  });

  /** Commits what the log writer holds, stops the workers (the checkpointer truncates the WAL) and closes the database. */
  const closeData = async () => {
    serving().log.flush();
    await serving().sessions.close();
    verdicts.stop();
    await rollups.stop();
    await checkpointer.stop();
    closeHandle();
    removeInstance(env.DATA_DIR);
  };
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    const started = performance.now();
    console.log(`${signal}: draining ${inFlight.size} request(s)`);
    // Stop listening (new connections are refused), answer what is under way with "connection: close",
    // close idle keep-alive connections; the callback runs once every connection is gone.
    for (const res of inFlight) if (!res.headersSent) res.shouldKeepAlive = false;
    server.close(() => {
      closeData().then(
        () => {
          console.log(`${signal}: stopped cleanly in ${Math.round(performance.now() - started)} ms`);
          process.exit(0);
        },
        (err: unknown) => {
          console.error('[modeldock] shutdown failed', err);
          process.exit(1);
        },
      );
    });
    server.closeIdleConnections();
    setTimeout(() => {
      console.error(`${signal}: ${inFlight.size} request(s) still running after SHUTDOWN_TIMEOUT_MS=${env.SHUTDOWN_TIMEOUT_MS}; exiting without them`);
      try { serving().log.flush(); closeHandle(); } catch (err) { console.error('[modeldock] closing the database failed', err); }
      process.exit(1);
    }, env.SHUTDOWN_TIMEOUT_MS).unref();
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((err: unknown) => {
  console.error('[modeldock] failed to start', err);
  process.exit(1);
});
