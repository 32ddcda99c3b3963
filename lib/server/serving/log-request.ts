// The prediction log's write side: one record per request (rows packed), committed before the
// answer (or, for a shadow copy, before its outcomes are copied) — shared by REST, V2 and shadows.
import type { Tensor } from 'onnxruntime-node';
import { predictionId } from '../../../db/queries/predictions';
import { PREDICTION_SOURCES } from '../../../db/schema';
import type { RowAnswer } from '../../../inference/outputs';
import { runtime } from '../../runtime/runtime';
import { packInputs, packOutputs } from './pack';
import type { ServingPlan } from './serving-state';

/**
 * Logs the request (all its rows in one record) and returns its id and the rows' prediction ids,
 * once committed. A shadow copy passes `shadowOf`: the answered request it pairs with.
 */
export async function logPredictions(
  plan: ServingPlan,
  alias: string | null,
  feeds: Record<string, Tensor>,
  answers: RowAnswer[],
  clientIds: string[] | null,
  latencyUs: number,
  shadowOf?: string,
): Promise<{ requestId: string; ids: string[] }> {
  // Packed in the signature's input order whatever order the request named them in (V2 takes any):
  // readers (monitoring, the prediction browser, the export) split a row by that order.
  const ordered = Object.fromEntries(plan.signature.inputs.flatMap((s) => (feeds[s.name] ? [[s.name, feeds[s.name]]] : [])));
  const inputs = packInputs(ordered, answers.length);
  const outputs = packOutputs(answers);
  const ts = Date.now();
  const rt = runtime();
  const requestId = rt.ids.next(ts);
  await rt.log.write({
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
    source: shadowOf === undefined ? PREDICTION_SOURCES.live : PREDICTION_SOURCES.shadow,
    ...(shadowOf === undefined ? {} : { pairId: shadowOf }),
  });
  return { requestId, ids: answers.map((_, r) => predictionId(requestId, r)) };
}
