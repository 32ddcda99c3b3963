// The prediction use case: resolve the version, decode the request, run onnxruntime, read the
// outputs, log every row durably, answer. Shared by the REST fast path and the V2 infer route.
import type { Tensor } from 'onnxruntime-node';
import { decodeRequest } from '../../../inference/codecs';
import { interpretOutputs, type OutputPlan } from '../../../inference/outputs';
import { enqueueShadow } from './shadow-queue';
import { logPredictions } from './log-request';
import { inputErrorToApp, runSession } from './score';
import { resolveRoute, routePlan, type Target } from './resolve';
import { requestClientId } from './split-routing';
import { serving } from './serving-state';

export interface PredictResponse {
  predictions: (string | number | number[])[];
  probabilities?: (Record<string, number> | null)[];
  prediction_ids: string[];
  model: { name: string; version: number; alias: string | null };
}

/**
 * `clientHeader` is the x-client-id header: with the request's first id, what a split routes by.
 * A production request with shadows is copied to the shadow queue once its log is committed.
 */
export async function predict(target: Target, body: unknown, clientHeader?: string | string[] | null): Promise<PredictResponse> {
  const started = performance.now();
  const resolved = resolveRoute(target);
  const plan = resolved.split === null ? resolved.plan : routePlan(resolved, requestClientId(clientHeader, body));
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
  const { requestId, ids } = await logPredictions(plan, alias, decoded.feeds, answers, decoded.ids, Math.round((performance.now() - started) * 1000));
  if (resolved.shadows !== null) enqueueShadow(resolved.shadows, plan, decoded.feeds, decoded.rows, requestId, decoded.ids);
  const response: PredictResponse = {
    predictions: answers.map((a) => a.prediction),
    prediction_ids: ids,
    model: { name: plan.modelName, version: plan.number, alias },
  };
  if (answers.some((a) => a.probabilities)) response.probabilities = answers.map((a) => a.probabilities);
  return response;
}
