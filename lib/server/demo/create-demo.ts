// `npm run demo` and the empty state's button: a churn model with a reference sample, promoted,
// and 30 days of scored traffic with outcomes (60 % labeled) where the world drifts from day 15.
import { AppError } from '../../errors';
import { findModel } from '../../../db/queries/models';
import { writeTempBytes } from '../../runtime/artifact-store';
import type { Actor } from '../access/auth';
import { db, requireModel } from '../lookups';
import { refreshRetrainingFlag } from '../monitoring/monitoring';
import { setAlias } from '../registry/aliases';
import { createModel } from '../registry/models';
import { importPredictions } from '../serving/import';
import { uploadVersion } from '../registry/upload-version';
import { DEMO_FEATURES, demoPredictsChurn, demoRows, seededRandom } from './generate';
import { DEMO_MODEL_BASE64 } from './model';

export const DEMO_MODEL = 'demo-churn';

const DAY = 86_400_000;

/** Creates the demo; its events name the actor who asked for it (the command line passes "demo"). */
export async function createDemo(actor: Actor = { name: 'demo', kind: 'system', scopes: ['admin'] }): Promise<{ model: string; created: boolean }> {
  const ACTOR = actor;
  if (await findModel(db(), DEMO_MODEL)) return { model: DEMO_MODEL, created: false };
  const random = seededRandom(20261123);
  await createModel(
    {
      name: DEMO_MODEL,
      task: 'binary_classification',
      labels: ['stays', 'churns'],
      description: 'Demo: which customers will cancel next month. Its world changes on day 15.',
    },
    ACTOR,
  );

  const reference = demoRows(random, 1000, false);
  const offline = reference.filter((r) => demoPredictsChurn(r.inputs) === r.churns).length / reference.length;
  const metadata = JSON.stringify({
    description: 'Logistic regression on five customer features',
    feature_names: DEMO_FEATURES,
    metrics: { accuracy: Math.round(offline * 1000) / 1000 },
    source: 'modeldock demo generator, seed 20261123',
  });
  const part = async (bytes: Uint8Array, filename: string, mimeType: string) => ({ ...(await writeTempBytes(bytes)), filename, mimeType });
  try {
    // The upload's parts, written to temp files as the multipart reader would.
    const upload = async () => ({
      fields: { metadata },
      files: {
        file: await part(Buffer.from(DEMO_MODEL_BASE64, 'base64'), 'demo-churn.onnx', 'application/octet-stream'),
        reference: await part(
          Buffer.from(JSON.stringify({ columns: DEMO_FEATURES, data: reference.map((r) => r.inputs) })),
          'reference.json',
          'application/json',
        ),
      },
    });
    await uploadVersion(DEMO_MODEL, upload, ACTOR);
    await setAlias(DEMO_MODEL, 'production', 1, ACTOR);

    // 30 days up to now, ~400 predictions a day at random times, 60 % of them labeled later.
    const start = Math.floor(Date.now() / DAY) * DAY - 29 * DAY;
    const records = [];
    for (let day = 0; day < 30; day++) {
      for (const r of demoRows(random, 360 + Math.floor(random() * 80), day >= 15)) {
        const ts = Math.min(Date.now() - 1000, start + day * DAY + Math.floor(random() * DAY));
        records.push({ ts, inputs: r.inputs, ...(random() < 0.6 ? { actual: r.churns ? 'churns' : 'stays' } : {}) });
      }
    }
    for (let i = 0; i < records.length; i += 5000) await importPredictions(DEMO_MODEL, 1, { records: records.slice(i, i + 5000) });
    await refreshRetrainingFlag(await requireModel(DEMO_MODEL));
  } catch (err) {
    throw AppError.is(err) ? err : new AppError('internal', `the demo could not be created: ${(err as Error).message}`);
  }
  return { model: DEMO_MODEL, created: true };
}
