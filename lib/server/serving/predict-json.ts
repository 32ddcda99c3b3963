// The REST predict answer as JSON text, written directly: JSON.stringify walked 100 probability
// objects and 100 ids generically (half of it finding how to quote each key again). Same text as
// JSON.stringify of the PredictResponse, key order included (tested against it).
import type { PredictResponse } from './predict';

const num = (n: number) => (Number.isFinite(n) ? String(n) : 'null');

/** A string's JSON text, remembered for the strings a response repeats (class labels, probability keys). */
function quoter(): (s: string) => string {
  const seen = new Map<string, string>();
  return (s) => {
    let q = seen.get(s);
    if (q === undefined) {
      q = JSON.stringify(s);
      if (seen.size < 256) seen.set(s, q);
    }
    return q;
  };
}

export function predictResponseJson(r: PredictResponse): string {
  const q = quoter();
  let s = '{"predictions":[';
  const preds = r.predictions;
  for (let i = 0; i < preds.length; i++) {
    if (i > 0) s += ',';
    const p = preds[i];
    s += typeof p === 'string' ? q(p) : typeof p === 'number' ? num(p) : JSON.stringify(p);
  }
  s += '],"model":' + JSON.stringify(r.model);
  if (r.dry_run !== undefined) s += ',"dry_run":' + JSON.stringify(r.dry_run);
  if (r.prediction_ids !== undefined) {
    s += ',"prediction_ids":[';
    const ids = r.prediction_ids;
    // Prediction ids are ULIDs and base32 row numbers: nothing in them needs escaping.
    for (let i = 0; i < ids.length; i++) s += (i > 0 ? ',"' : '"') + ids[i] + '"';
    s += ']';
  }
  if (r.probabilities !== undefined) {
    s += ',"probabilities":[';
    const probs = r.probabilities;
    let keys: string[] | null = null;
    let heads: string[] = [];
    for (let i = 0; i < probs.length; i++) {
      if (i > 0) s += ',';
      const p = probs[i];
      if (p === null) {
        s += 'null';
        continue;
      }
      const k = Object.keys(p);
      if (keys === null || k.length !== keys.length || k.some((x, j) => x !== keys![j])) {
        keys = k;
        heads = k.map((x, j) => (j === 0 ? '{' : ',') + q(x) + ':');
      }
      for (let j = 0; j < k.length; j++) s += heads[j] + num(p[k[j]]);
      s += k.length === 0 ? '{}' : '}';
    }
    s += ']';
  }
  return s + '}';
}
