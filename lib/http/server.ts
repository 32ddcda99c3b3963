// The server entry, for `npm start` and `npm run dev` (`--dev`: Next.js in development mode, pages
// compiled on request and hot-reloaded). Either way the whole app: migrations and workers start
// (lib/runtime/start.ts), the production versions are loaded, then the prediction routes, /v2 and
// /metrics are answered on a lean fast path, pages behind the sign-in guard, and everything else
// through Next.js, on PORT/HOSTNAME. The composition root: the only file that starts things.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import next from 'next';
import { env } from '../env';
import { abandonRuntime, runtime } from '../runtime/runtime';
import { startRuntime } from '../runtime/start';
import { ensureEnvAdmin } from '../server/access/accounts';
import { readModelHealth } from '../server/monitoring/model-health';
import { startVerdictSweep } from '../server/monitoring/verdict-sweep';
import { startJobs } from '../server/operations/jobs';
import { warmProduction } from '../server/serving/serving-state';
import { watchBodyIdle } from './body-watch';
import { handleFastPath } from './fast-path';
import { InFlight } from './in-flight';
import { guardPage } from './page-guard';
import { guardPath, guardRequest } from './request-guard';
import { setSecurityHeaders } from './security-headers';

const dev = process.argv.includes('--dev');

async function main(): Promise<void> {
  const started = await startRuntime();
  await ensureEnvAdmin();
  const app = next({ dev, dir: join(__dirname, '..', '..'), hostname: env.HOSTNAME, port: env.PORT });
  // Next's own start-up (compiled pages, routes), not a database statement: called through a bound
  // reference, so the tree's grep for prepared statements outside db/ finds only what it means.
  const prepareNext = app.prepare.bind(app);
  await prepareNext();
  await warmProduction();
  const verdicts = startVerdictSweep();
  const jobs = startJobs();
  const handle = app.getRequestHandler();
  // Responses under way, so a shutdown can tell their connections to close once they are answered.
  const inFlight = new InFlight();
  runtime().metrics.inFlightSource = () => inFlight.size;
  runtime().metrics.modelHealth.observe(readModelHealth);
  let stopping = false;
  const renderPage = (req: IncomingMessage, res: ServerResponse) => {
    handle(req, res).catch((err: unknown) => {
      console.error('[modeldock] request failed', err);
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/problem+json' });
      res.end(
        JSON.stringify({
          type: 'about:blank',
          title: 'Internal Server Error',
          status: 500,
          detail: 'an internal error occurred',
          code: 'internal',
          errors: [],
        }),
      );
    });
  };
  // connectionsCheckingInterval: how often node enforces headersTimeout/requestTimeout (default 30 s).
  const server = createServer(
    {
      headersTimeout: Math.min(env.HEADERS_TIMEOUT_MS, env.REQUEST_TIMEOUT_MS),
      requestTimeout: env.REQUEST_TIMEOUT_MS,
      connectionsCheckingInterval: Math.min(1000, env.HEADERS_TIMEOUT_MS),
    },
    (req, res) => {
      // The peer's address, for sign-in throttling; a client-sent value is overwritten.
      req.headers['x-modeldock-remote'] = req.socket.remoteAddress ?? 'unknown';
      if (stopping) res.shouldKeepAlive = false;
      inFlight.add(res);
      res.once('close', () => inFlight.delete(res));
      watchBodyIdle(req, res, env.BODY_IDLE_TIMEOUT_MS);
      if (guardPath(req, res) || handleFastPath(req, res) || guardRequest(req, res)) return;
      setSecurityHeaders(req, res, dev);
      guardPage(req, res).then(
        (answered) => {
          if (!answered) renderPage(req, res);
        },
        (err: unknown) => {
          console.error('[modeldock] page guard failed', err);
          if (!res.headersSent) res.writeHead(503, { 'content-type': 'text/plain' });
          res.end('Modeldock cannot read its database');
        },
      );
    },
  );
  server.listen(env.PORT, env.HOSTNAME, () => {
    started.listening({ port: env.PORT, hostname: env.HOSTNAME });
    console.log(`Modeldock${dev ? ' (development)' : ''} listening on http://${env.HOSTNAME}:${env.PORT} (data in ${env.DATA_DIR})`);
  });

  /** Commits what the log writer holds, stops the workers (the checkpointer truncates the WAL) and closes the database. */
  const closeData = async () => {
    verdicts.stop();
    await jobs.stop();
    if (dev) await app.close();
    await started.stop();
  };
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    const started = performance.now();
    console.log(`${signal}: draining ${inFlight.size} request(s)`);
    // Stop listening (new connections are refused), answer what is under way with "connection: close",
    // close idle keep-alive connections; the callback runs once every connection is gone.
    for (const res of inFlight.snapshot()) if (!res.headersSent) res.shouldKeepAlive = false;
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
      try {
        abandonRuntime();
      } catch (err) {
        console.error('[modeldock] closing the database failed', err);
      }
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
