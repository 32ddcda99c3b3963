// The one scoring path, shared by REST predict, V2 infer, shadow copies and backtest imports: lease
// the version's session (loaded once however many ask; an evicted session is released only after
// the runs holding it), run it (through the batcher when the version allows), refuse non-finite
// outputs, interpret the outputs per row. onnxruntime's failures on an accepted input become a
// clean 422; a request's decode errors become AppErrors through inputErrorToApp.
import type { Tensor } from 'onnxruntime-node';
import { InputError } from '../../../inference/errors';
import { cleanOrtMessage } from '../../../inference/ort-message';
import { interpretOutputs, type OutputPlan, type RowAnswer } from '../../../inference/outputs';
import { AppError } from '../../errors';
import { runtime } from '../../runtime/runtime';
import type { ServingPlan } from './serving-state';

export function inputErrorToApp(err: unknown): unknown {
  if (!(err instanceof InputError)) return err;
  const code = err.status === 413 ? 'payload_too_large' : err.status === 422 ? 'unprocessable' : 'invalid_input';
  return new AppError(code, err.message, [{ path: err.path, message: err.message.slice(err.path.length + 2) }]);
}

export interface Scored {
  /** The tensors fetched (the plan's outputs, and any others asked for). */
  results: Record<string, Tensor>;
  /** One answer per row. */
  answers: RowAnswer[];
}

/**
 * Scores `rows` rows of decoded inputs on the plan's version. `fetch` defaults to the outputs the
 * answer needs (V2 may ask for more). The plan must be servable (see resolve's checkServable).
 */
export async function score(plan: ServingPlan, feeds: Record<string, Tensor>, rows: number, fetch?: string[]): Promise<Scored> {
  const outputs = plan.outputs as OutputPlan;
  const names = fetch ?? outputs.fetch;
  const { sessions, batcher } = runtime();
  const lease = sessions.tryAcquire(plan.sha256) ?? (await sessions.acquire(plan.sha256));
  let results: Record<string, Tensor>;
  try {
    results = plan.batchable
      ? await batcher.run(plan.sha256, lease.session, feeds, rows, names)
      : ((await lease.session.run(feeds, names)) as Record<string, Tensor>);
  } catch (err) {
    const msg = cleanOrtMessage(err, 300);
    throw new AppError('unprocessable', `inputs: the model failed on this input: ${msg}`, [{ path: 'inputs', message: msg }]);
  } finally {
    lease.release();
  }
  checkFiniteOutputs(results, names);
  const answers = interpretOutputs(outputs, results, rows, { labels: plan.labels, classValues: plan.signature.class_labels ?? null, output: plan.output });
  return { results, answers };
}

/**
 * A NaN or an infinity from the model is a failure, not an answer: JSON would carry it as null, and
 * monitoring would fold it into sums that then read as a perfect model. 422 naming the output.
 */
export function checkFiniteOutputs(results: Record<string, Tensor>, fetch: string[]): void {
  for (const name of fetch) {
    const t = results[name];
    if (!t || (t.type !== 'float32' && t.type !== 'float64' && t.type !== 'float16')) continue;
    const d = t.data as ArrayLike<number>;
    for (let i = 0; i < d.length; i++) {
      if (!Number.isFinite(d[i])) {
        const what = Number.isNaN(d[i]) ? 'NaN' : 'an infinity';
        const msg = `the model answered ${what} (value ${i}); no prediction was made. Check the input's range and the model's arithmetic`;
        throw new AppError('unprocessable', `outputs.${name}: ${msg}`, [{ path: `outputs.${name}`, message: msg }]);
      }
    }
  }
}
