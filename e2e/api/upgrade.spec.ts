// A data folder made by an earlier landed version upgrades in place with nothing lost: the old
// version's own code (a `git archive` of its commit) seeds a DATA_DIR, then today's server starts
// on it, applies the migrations since, and answers from the old data.
import { expect, test } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { MODELS_DIR } from '../fixtures';
import { api, freePort, freshDataDir, killServer, ROOT, startServer, stopAllServers } from './server-process';
import { onPostgres } from '../db';

// About SQLite itself: skipped when the shared server runs on PostgreSQL.
test.skip(onPostgres, 'a data folder written by the previous SQLite build, upgraded in place; PostgreSQL migrations are db/pg/migrate.pg.test.ts');

/** The last landed version before migration 0004 (prediction_keys history). */
const OLD_COMMIT = '3b2ee49';

test.afterAll(stopAllServers);

test('a DATA_DIR seeded by the previous version upgrades in place: registry, predictions, outcomes, joins', async () => {
  test.setTimeout(180_000);
  const work = freshDataDir('upgrade');
  const oldRoot = join(work, 'old');
  const dataDir = join(work, 'data');
  mkdirSync(oldRoot, { recursive: true });
  execFileSync('bash', ['-c', `git -C "${ROOT}" archive ${OLD_COMMIT} | tar -x -C "${oldRoot}"`]);
  symlinkSync(join(ROOT, 'node_modules'), join(oldRoot, 'node_modules'));
  const out = execFileSync(process.execPath, ['--import', 'tsx', join(ROOT, 'e2e', 'api', 'upgrade', 'seed-old.ts'), oldRoot, MODELS_DIR], {
    cwd: oldRoot,
    env: { ...process.env, DATA_DIR: dataDir },
    encoding: 'utf8',
  });
  const seeded = JSON.parse(out.trim().split('\n').pop()!) as { name: string; ids: string[][]; outcomes: { accepted: number } };
  expect(seeded.outcomes.accepted).toBe(2);

  const server = await startServer(dataDir, await freePort());
  const model = await api(server, 'GET', `/api/v1/models/${seeded.name}`);
  expect(model.status).toBe(200);
  expect(model.json.model.description).toBe('made by the old build');
  expect(model.json.aliases).toEqual({ production: 1 });
  expect(model.json.versions.map((v: { number: number }) => v.number).sort()).toEqual([1, 2]);
  // Every prediction the old build answered is there, with the outcomes it took.
  const [[c1First], [c2, c3], [c1Second]] = seeded.ids;
  const read = async (id: string) => (await api(server, 'GET', `/api/v1/predictions/${id}`)).json.prediction;
  expect((await read(c2)).outcome).toMatchObject({ actual: 10 });
  expect((await read(c3)).outcome).toMatchObject({ actual: 20 });
  expect((await read(c1First)).outcome).toBeNull();
  // The join rule of this version, over history the old version wrote: the latest c1 is labelled.
  const posted = await api(server, 'POST', '/api/v1/outcomes', { outcomes: [{ model: seeded.name, id: 'c1', actual: 3 }] });
  expect(posted.json).toMatchObject({ accepted: 1, unknown: [] });
  expect((await read(c1Second)).outcome).toMatchObject({ actual: 3 });
  expect((await read(c1First)).outcome).toBeNull();
  // Monitoring folds the old rows; serving goes on.
  await expect
    .poll(
      async () => {
        const m = await api(server, 'GET', `/api/v1/models/${seeded.name}/monitoring?bucket=day`);
        return (m.json.series as { count: number }[]).reduce((n, w) => n + w.count, 0);
      },
      { timeout: 15_000 },
    )
    .toBe(4);
  const again = await api(server, 'POST', `/api/v1/models/${seeded.name}/predict`, { instances: [[1, 2, 3]] });
  expect(again.status).toBe(200);
  expect(again.json.predictions[0]).toBeCloseTo(14.5, 4);
  await killServer(server, 'SIGTERM');
});
