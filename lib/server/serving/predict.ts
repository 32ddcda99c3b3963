// The prediction use case of the REST routes: resolve the version, decode the request, score it,
// log every row durably, answer.
import { decodeRequest, type DecodedRequest } from '../../../inference/codecs';
import { decodeNumericRows } from '../../../inference/fast-rows';
import { restDryRun } from './dry-run';
import { logPredictions } from './log-request';
import { resolveRoute, routePlan, type Target } from './resolve';
import { inputErrorToApp, score } from './score';
import { enqueueShadow } from './shadow-queue';
import { requestClientId } from './split-routing';

export interface PredictResponse {
  predictions: (string | number | number[])[];
  probabilities?: (Record<string, number> | null)[];
  /** Absent for a dry run, which logs nothing. */
  prediction_ids?: string[];
  model: { name: string; version: number; alias: string | null };
  dry_run?: true;
}

/** A request body as sent (`raw`, when the edge has it) and as JSON (parsed on demand; throws the 400 of malformed JSON). */
export interface PredictBody {
  raw: Buffer | null;
  json(): unknown;
}

/**
 * `clientHeader` is the x-client-id header: with the request's first id, what a split routes by.
 * A production request with shadows is copied to the shadow queue once its log is committed.
 * A dry run (`"dry_run": true`) is answered without being logged or copied to shadows.
 * The common body (rows of numbers for one float32 input, nothing else) is decoded from its bytes;
 * any other is parsed as JSON and decoded by inference/codecs, with the same result.
 */
export async function predict(target: Target, body: PredictBody, clientHeader?: string | string[] | null): Promise<PredictResponse> {
  const started = performance.now();
  const route = resolveRoute(target);
  const resolved = route instanceof Promise ? await route : route;
  // Such a body has no ids: the header alone is what a split routes it by.
  let plan = resolved.split === null ? resolved.plan : routePlan(resolved, requestClientId(clientHeader, null));
  let decoded: DecodedRequest | null = body.raw === null ? null : decodeNumericRows(body.raw, plan.decode);
  let dryRun = false;
  if (decoded === null) {
    const json = body.json();
    if (resolved.split !== null) plan = routePlan(resolved, requestClientId(clientHeader, json));
    dryRun = restDryRun(json);
    try {
      decoded = decodeRequest(json, plan.decode);
    } catch (err) {
      throw inputErrorToApp(err);
    }
  }
  const { answers } = await score(plan, decoded.feeds, decoded.rows);
  const alias = 'alias' in target ? target.alias : null;
  const response: PredictResponse = {
    predictions: answers.map((a) => a.prediction),
    model: { name: plan.modelName, version: plan.number, alias },
  };
  if (dryRun) {
    response.dry_run = true;
  } else {
    const { requestId, ids } = await logPredictions(plan, alias, decoded.feeds, answers, decoded.ids, Math.round((performance.now() - started) * 1000));
    if (resolved.shadows !== null) enqueueShadow(resolved.shadows, plan, decoded.feeds, decoded.rows, requestId, decoded.ids);
    response.prediction_ids = ids;
  }
  if (answers.some((a) => a.probabilities)) response.probabilities = answers.map((a) => a.probabilities);
  return response;
}
