// Running a version's session for one request: the batcher when the version allows it, and
// onnxruntime's failures on an accepted input turned into a clean 422.
import type { InferenceSession, Tensor } from 'onnxruntime-node';
import { InputError } from '../../../inference/errors';
import { cleanOrtMessage } from '../../../inference/ort-message';
import { AppError } from '../../errors';
import { serving, type ServingPlan } from './serving-state';

export function inputErrorToApp(err: unknown): unknown {
  if (!(err instanceof InputError)) return err;
  const code = err.status === 413 ? 'payload_too_large' : err.status === 422 ? 'unprocessable' : 'invalid_input';
  return new AppError(code, err.message, [{ path: err.path, message: err.message.slice(err.path.length + 2) }]);
}

/** Runs the session (through the batcher), turning runtime failures on an accepted input into a clean 422. */
export async function runSession(
  plan: ServingPlan, session: InferenceSession, feeds: Record<string, Tensor>, rows: number, fetch: string[],
): Promise<Record<string, Tensor>> {
  let results: Record<string, Tensor>;
  try {
    const { batcher } = serving();
    results = plan.batchable
      ? await batcher.run(plan.sha256, session, feeds, rows, fetch)
      : (await session.run(feeds, fetch)) as Record<string, Tensor>;
  } catch (err) {
    const msg = cleanOrtMessage(err, 300);
    throw new AppError('unprocessable', `inputs: the model failed on this input: ${msg}`, [{ path: 'inputs', message: msg }]);
  }
  checkFiniteOutputs(results, fetch);
  return results;
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

