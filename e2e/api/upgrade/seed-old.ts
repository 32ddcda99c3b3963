// Seeds a DATA_DIR with an earlier landed version's own code (the checkout given as argv[2], run
// with it as cwd so its migrations apply): the registry, served predictions with client ids and
// outcomes, written exactly as that version writes them. Prints what it made as one JSON line.
// Used by upgrade.spec.ts; written against the API of commit 3b2ee49 (before migration 0004).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const [oldRoot, fixtures] = process.argv.slice(2);
const load = (p: string) => import(join(oldRoot, p));

async function main() {
  const { migrateDatabase } = await load('db/migrate.ts');
  const { env } = await load('lib/env.ts');
  const { prepareStore } = await load('lib/server/artifact-store.ts');
  const { createModel } = await load('lib/server/registry/models.ts');
  const { uploadVersion } = await load('lib/server/registry/upload-version.ts');
  const { setAlias } = await load('lib/server/registry/aliases.ts');
  const { predict } = await load('lib/server/predictions/predict.ts');
  const { ingestOutcomes } = await load('lib/server/monitoring/outcomes.ts');
  const { serving } = await load('lib/server/predictions/serving-state.ts');
  const { closeHandle } = await load('db/client.ts');
  migrateDatabase(env.DATA_DIR);
  await prepareStore();
  const actor = { name: 'old-build', kind: 'system', scopes: ['admin'] };
  const name = 'upgraded';
  await createModel({ name, task: 'regression', description: 'made by the old build' }, actor);
  for (const file of ['regressor.onnx', 'regressor-b.onnx']) {
    const form = new FormData();
    form.set('file', new Blob([readFileSync(join(fixtures, file))]), file);
    await uploadVersion(name, new Request('http://seed/upload', { method: 'POST', body: form }), actor);
  }
  await setAlias(name, 'production', 1, actor);
  const answers = [];
  // c1 is scored twice (a customer scored every day): the join rule of the new build labels the later one.
  for (const body of [
    { instances: [[1, 0, 0]], ids: ['c1'] },
    {
      instances: [
        [0, 1, 0],
        [0, 0, 1],
      ],
      ids: ['c2', 'c3'],
    },
    { instances: [[2, 0, 0]], ids: ['c1'] },
  ]) {
    answers.push(await predict({ model: name, alias: 'production' }, body));
    await new Promise((r) => setTimeout(r, 5));
  }
  const outcomes = await ingestOutcomes([
    { model: name, id: 'c2', actual: 10 },
    { prediction_id: answers[1].prediction_ids[1], actual: 20 },
  ]);
  serving().log.flush();
  await serving().sessions.close();
  closeHandle();
  console.log(JSON.stringify({ name, ids: answers.map((a: { prediction_ids: string[] }) => a.prediction_ids), outcomes }));
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
