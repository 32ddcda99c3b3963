// Open Inference Protocol use cases: server/model metadata and readiness, and infer (logged like
// every other prediction).
import type { Tensor } from 'onnxruntime-node';
import { interpretOutputs, type OutputPlan } from '../../../inference/outputs';
import { decodeInferRequest, encodeOutputs, modelMetadata, type V2ModelMetadata } from '../../../inference/v2';
import { checkHealth } from '../health';
import { v2DryRun } from './dry-run';
import { logPredictions } from './log-request';
import { inputErrorToApp, runSession } from './run';
import { enqueueShadow } from '../experiments/shadow-queue';
import { resolveRoute, resolveTarget, routePlan, type Target } from './resolve';
import { requestClientId } from './split-routing';
import { serving } from './serving-state';

export function v2Target(name: string, version: number | null): Target {
  return version === null ? { model: name, alias: 'production' } : { model: name, version };
}

export function v2ModelMetadata(name: string, version: number | null): V2ModelMetadata {
  const plan = resolveTarget(v2Target(name, version));
  const versions = version === null ? serving().lookups.versionNumbers(plan.modelId) : [plan.number];
  return modelMetadata(plan.modelName, versions, plan.signature);
}

export function v2ModelReady(name: string, version: number | null): { name: string; ready: boolean } {
  const plan = resolveTarget(v2Target(name, version));
  return { name: plan.modelName, ready: serving().sessions.canServe(plan.sha256) };
}

/**
 * Ready when the database answers and every production version is loaded or was loaded here
 * (evicted by the session cache since: it loads again on its next request).
 */
export async function v2ServerReady(): Promise<boolean> {
  if ((await checkHealth()).status !== 'ok') return false;
  const { lookups, sessions } = serving();
  return lookups.productionShas().every((sha) => sessions.canServe(sha));
}

/**
 * `clientHeader` (x-client-id) is what a split of production routes by; random without it.
 * `parameters.dry_run: true` answers without logging: no prediction ids, no shadow copies.
 */
export async function v2Infer(name: string, version: number | null, body: unknown, clientHeader?: string | string[] | null) {
  const started = performance.now();
  const target = v2Target(name, version);
  const resolved = resolveRoute(target);
  const plan = resolved.split === null ? resolved.plan : routePlan(resolved, requestClientId(clientHeader, null));
  const dryRun = v2DryRun(body);
  let request;
  try {
    request = decodeInferRequest(body, plan.signature, plan.decode.maxRows);
  } catch (err) {
    throw inputErrorToApp(err);
  }
  const outputs = plan.outputs as OutputPlan;
  const fetch = [...new Set([...request.outputs, ...outputs.fetch])];
  const { sessions } = serving();
  const lease = sessions.tryAcquire(plan.sha256) ?? (await sessions.acquire(plan.sha256));
  let results: Record<string, Tensor>;
  try {
    results = await runSession(plan, lease.session, request.feeds, request.rows, fetch);
  } finally {
    lease.release();
  }
  const answers = interpretOutputs(outputs, results, request.rows, { labels: plan.labels, classValues: plan.signature.class_labels ?? null, output: plan.output });
  let parameters: { prediction_ids: string[] } | { dry_run: true };
  if (dryRun) {
    parameters = { dry_run: true };
  } else {
    const { requestId, ids } = await logPredictions(plan, version === null ? 'production' : null, request.feeds, answers, null, Math.round((performance.now() - started) * 1000));
    if (resolved.shadows !== null) enqueueShadow(resolved.shadows, plan, request.feeds, request.rows, requestId, null);
    parameters = { prediction_ids: ids };
  }
  return {
    model_name: plan.modelName,
    model_version: String(plan.number),
    ...(request.id !== undefined ? { id: request.id } : {}),
    parameters,
    outputs: encodeOutputs(results, request.outputs),
  };
}
