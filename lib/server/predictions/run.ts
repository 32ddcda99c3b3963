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
  try {
    const { batcher } = serving();
    if (!plan.batchable) return (await session.run(feeds, fetch)) as Record<string, Tensor>;
    return await batcher.run(plan.sha256, session, feeds, rows, fetch);
  } catch (err) {
    const msg = cleanOrtMessage(err, 300);
    throw new AppError('unprocessable', `inputs: the model failed on this input: ${msg}`, [{ path: 'inputs', message: msg }]);
  }
}

