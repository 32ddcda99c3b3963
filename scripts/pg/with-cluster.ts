// Runs one command against a throwaway PostgreSQL cluster: starts the cluster (scripts/pg/cluster.ts),
// makes a database for the run, hands its URL to the command as E2E_DATABASE_URL, stops the cluster
// when the command ends (or this process is signalled) and exits with the command's status.
//   npx tsx scripts/pg/with-cluster.ts -- npx playwright test --project=api
import { spawn } from 'node:child_process';
import { createDatabase } from '../../db/pg/cluster-ops';
import { startCluster } from './cluster';

async function main() {
  const sep = process.argv.indexOf('--');
  const [cmd, ...args] = sep >= 0 ? process.argv.slice(sep + 1) : [];
  if (!cmd) {
    console.error('usage: tsx scripts/pg/with-cluster.ts -- <command> [args…]');
    process.exit(2);
  }
  // A signal before the command runs stops the cluster too; once it runs, the command gets it and ends.
  let child: ReturnType<typeof spawn> | null = null;
  let cluster: Awaited<ReturnType<typeof startCluster>> | null = null;
  const onSignal = (sig: NodeJS.Signals) => {
    if (child) child.kill(sig);
    else {
      cluster?.stop('fast');
      process.exit(1);
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  let status = 1;
  try {
    cluster = await startCluster();
    const url = await createDatabase(cluster.url, 'modeldock_e2e');
    console.log(`PostgreSQL for this run: ${url}`);
    const running = spawn(cmd, args, { stdio: 'inherit', env: { ...process.env, E2E_DATABASE_URL: url } });
    child = running;
    status = await new Promise<number>((resolve) => {
      running.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
      running.on('error', (err) => {
        console.error(`could not run ${cmd}: ${err.message}`);
        resolve(1);
      });
    });
  } finally {
    cluster?.stop('fast');
  }
  process.exit(status);
}

void main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
