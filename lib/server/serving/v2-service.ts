// Open Inference Protocol use cases: server/model metadata and readiness, and infer (logged like
// every other prediction).
import type { OutputPlan } from '../../../inference/outputs';
import { decodeInferRequest, encodeOutputs, modelMetadata, type V2ModelMetadata } from '../../../inference/v2';
import { runtime } from '../../runtime/runtime';
import { checkHealth } from '../operations/health';
import { v2DryRun } from './dry-run';
import { logPredictions } from './log-request';
import { resolveRoute, resolveTarget, routePlan, type Target } from './resolve';
import { inputErrorToApp, score } from './score';
import { productionShas, versionNumbers } from './serving-state';
import { enqueueShadow } from './shadow-queue';
import { requestClientId } from './split-routing';

export function v2Target(name: string, version: number | null): Target {
  return version === null ? { model: name, alias: 'production' } : { model: name, version };
}

export async function v2ModelMetadata(name: string, version: number | null): Promise<V2ModelMetadata> {
  const plan = await resolveTarget(v2Target(name, version));
  const versions = version === null ? await versionNumbers(plan.modelId) : [plan.number];
  return modelMetadata(plan.modelName, versions, plan.signature);
}

export async function v2ModelReady(name: string, version: number | null): Promise<{ name: string; ready: boolean }> {
  const plan = await resolveTarget(v2Target(name, version));
  return { name: plan.modelName, ready: runtime().sessions.canServe(plan.sha256) };
}

/**
 * Ready when the database answers and every production version is loaded or was loaded here
 * (evicted by the session cache since: it loads again on its next request).
 */
export async function v2ServerReady(): Promise<boolean> {
  if ((await checkHealth()).status !== 'ok') return false;
  const { sessions } = runtime();
  return (await productionShas()).every((sha) => sessions.canServe(sha));
}

/**
 * `clientHeader` (x-client-id) is what a split of production routes by; random without it.
 * `parameters.dry_run: true` answers without logging: no prediction ids, no shadow copies.
 */
export async function v2Infer(name: string, version: number | null, body: unknown, clientHeader?: string | string[] | null) {
  const started = performance.now();
  const target = v2Target(name, version);
  const route = resolveRoute(target);
  const resolved = route instanceof Promise ? await route : route;
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
  const { results, answers } = await score(plan, request.feeds, request.rows, fetch);
  let parameters: { prediction_ids: string[] } | { dry_run: true };
  if (dryRun) {
    parameters = { dry_run: true };
  } else {
    const { requestId, ids } = await logPredictions(
      plan,
      version === null ? 'production' : null,
      request.feeds,
      answers,
      null,
      Math.round((performance.now() - started) * 1000),
    );
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
