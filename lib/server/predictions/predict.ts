// The prediction use case: resolve the version, decode the request, run onnxruntime, read the
// outputs, log every row durably, answer. Shared by the REST fast path and the V2 infer route.
import type { InferenceSession, Tensor } from 'onnxruntime-node';
import { predictionId } from '../../../db/queries/predictions';
import { PREDICTION_SOURCES } from '../../../db/schema';
import { decodeRequest } from '../../../inference/codecs';
import { InputError } from '../../../inference/errors';
import { interpretOutputs, type OutputPlan, type RowAnswer } from '../../../inference/outputs';
import { AppError } from '../../errors';
import { packInputs, packOutputs } from './pack';
import { resolveTarget, type Target } from './resolve';
import { newPredictionId } from './ids';
import { serving, type ServingPlan } from './serving-state';

export interface PredictResponse {
  predictions: (string | number | number[])[];
  probabilities?: (Record<string, number> | null)[];
  prediction_ids: string[];
  model: { name: string; version: number; alias: string | null };
}

export function inputErrorToApp(err: unknown): unknown {
  if (!(err instanceof InputError)) return err;
  const code = err.status === 413 ? 'payload_too_large' : err.status === 422 ? 'unprocessable' : 'invalid_input';
  return new AppError(code, err.message, [{ path: err.path, message: err.message.slice(err.path.length + 2) }]);
}

/** Runs the session (through the batcher), turning runtime failures on an accepted input into a clean 422. */
export async function runSession(
  plan: ServingPlan, session: InferenceSession, feeds: Record<string, Tensor>, rows: number, fetch: string[],
): Promise<Record<string, Tensor>> {
  try {
    const { batcher } = serving();
    if (!plan.batchable) return (await session.run(feeds, fetch)) as Record<string, Tensor>;
    return await batcher.run(plan.sha256, session, feeds, rows, fetch);
  } catch (err) {
    const msg = String((err as Error).message ?? err).replace(/\s+/g, ' ').slice(0, 300);
    throw new AppError('unprocessable', `inputs: the model failed on this input: ${msg}`, [{ path: 'inputs', message: msg }]);
  }
}

/** Logs the request (all its rows in one record) and returns the rows' prediction ids, once committed. */
export async function logPredictions(
  plan: ServingPlan,
  alias: string | null,
  feeds: Record<string, Tensor>,
  answers: RowAnswer[],
  clientIds: string[] | null,
  latencyUs: number,
): Promise<string[]> {
  const inputs = packInputs(feeds, answers.length);
  const outputs = packOutputs(answers);
  const ts = Date.now();
  const requestId = newPredictionId(ts);
  await serving().log.write({
    id: requestId,
    modelId: plan.modelId,
    versionId: plan.versionId,
    alias,
    ts,
    rows: answers.length,
    inputCodec: inputs.codec,
    inputs: inputs.data,
    labels: outputs.labels,
    outputValues: outputs.values,
    probabilities: outputs.probabilities,
    classes: outputs.classes,
    clientIds,
    latencyUs,
    source: PREDICTION_SOURCES.live,
  });
  return answers.map((_, r) => predictionId(requestId, r));
}

export async function predict(target: Target, body: unknown): Promise<PredictResponse> {
  const started = performance.now();
  const plan = resolveTarget(target);
  const outputs = plan.outputs as OutputPlan;
  let decoded;
  try {
    decoded = decodeRequest(body, plan.decode);
  } catch (err) {
    throw inputErrorToApp(err);
  }
  const { sessions } = serving();
  const lease = sessions.tryAcquire(plan.sha256) ?? (await sessions.acquire(plan.sha256));
  let results: Record<string, Tensor>;
  try {
    results = await runSession(plan, lease.session, decoded.feeds, decoded.rows, outputs.fetch);
  } finally {
    lease.release();
  }
  const answers = interpretOutputs(outputs, results, decoded.rows, { labels: plan.labels, classValues: plan.signature.class_labels ?? null, output: plan.output });
  const alias = 'alias' in target ? target.alias : null;
  const ids = await logPredictions(plan, alias, decoded.feeds, answers, decoded.ids, Math.round((performance.now() - started) * 1000));
  const response: PredictResponse = {
    predictions: answers.map((a) => a.prediction),
    prediction_ids: ids,
    model: { name: plan.modelName, version: plan.number, alias },
  };
  if (answers.some((a) => a.probabilities)) response.probabilities = answers.map((a) => a.probabilities);
  return response;
}
