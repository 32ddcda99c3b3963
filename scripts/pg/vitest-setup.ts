// globalSetup of the PostgreSQL suite (vitest.pg.config.ts): one throwaway cluster for the run;
// each test file makes its own database on it (db/pg/test-pg.ts).
import type { TestProject } from 'vitest/node';
import { startCluster } from './cluster';

export default async function setup({ provide }: TestProject) {
  const cluster = await startCluster();
  provide('pgAdminUrl', cluster.url);
  return () => cluster.stop('fast');
}
