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
  const cluster = await startCluster();
  let status = 1;
  try {
    const url = await createDatabase(cluster.url, 'modeldock_e2e');
    console.log(`PostgreSQL for this run: ${url}`);
    const child = spawn(cmd, args, { stdio: 'inherit', env: { ...process.env, E2E_DATABASE_URL: url } });
    const forward = (sig: NodeJS.Signals) => child.kill(sig);
    process.on('SIGINT', forward);
    process.on('SIGTERM', forward);
    status = await new Promise<number>((resolve) => child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0))));
  } finally {
    cluster.stop('fast');
  }
  process.exit(status);
}

void main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
