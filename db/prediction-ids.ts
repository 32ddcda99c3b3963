// A logged request and the ids of its predictions, the same in both dialects (pure): a request's
// id is a ULID (its first 10 characters are its time in ms), and prediction `i` of it is that id
// followed by `i` in 3 base32 characters.

export interface PredictionRecord {
  id: string;
  modelId: number;
  versionId: number;
  alias: string | null;
  ts: number;
  rows: number;
  inputCodec: number;
  inputs: Buffer;
  labels: string | null;
  outputValues: Buffer | null;
  probabilities: Buffer | null;
  classes: string | null;
  clientIds: string[] | null;
  latencyUs: number;
  source: number;
  /** Shadow records: the id of the answered request they copy. */
  pairId?: string | null;
}

const B32 = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
export const ROW_SUFFIX = 3;

/** The id of row `row` of request `requestId`: the request's ULID and the row in 3 base32 characters. */
export function predictionId(requestId: string, row: number): string {
  return requestId + B32[(row >> 10) & 31] + B32[(row >> 5) & 31] + B32[row & 31];
}

/** The request id and row of a prediction id, or null when it is not one. */
export function parsePredictionId(id: string): { requestId: string; row: number } | null {
  if (id.length !== 26 + ROW_SUFFIX) return null;
  const digits = [...id.slice(26)].map((c) => B32.indexOf(c));
  if (digits.some((d) => d < 0)) return null;
  return { requestId: id.slice(0, 26), row: (digits[0] << 10) | (digits[1] << 5) | digits[2] };
}

/** The rows of a request erased on request (its `erased` column: a JSON array of row indices). */
export function erasedRows(erased: string | null): Set<number> {
  return erased ? new Set(JSON.parse(erased) as number[]) : new Set();
}

/**
 * The time (ms) a request id carries: a ULID's first 10 characters. It is the prediction's own time
 * (an imported row's `ts` too, see PredictionIds.at); null when the id is not a ULID.
 */
export function requestTime(requestId: string): number | null {
  let ms = 0;
  for (let i = 0; i < 10; i++) {
    const d = B32.indexOf(requestId[i]);
    if (d < 0) return null;
    ms = ms * 32 + d;
  }
  return ms;
}
