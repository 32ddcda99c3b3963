// Erasure's overwrite of one row of a packed request (pure, the same in both dialects; see
// db/queries/erasure.ts and db/pg/queries/erasure.ts): numbers become NaN, JSON values null.
import { INPUT_CODECS } from './schema';

/** The packed columns of a logged request that hold a row's data. */
export interface PackedRequest {
  rows: number;
  input_codec: number;
  inputs: Buffer;
  labels: string | null;
  output_values: Buffer | null;
  probabilities: Buffer | null;
  classes: string | null;
  client_ids: string | null;
}

/** Overwrites row `r` of a packed request's columns, in place. */
export function blankRow(req: PackedRequest, r: number): void {
  if (req.input_codec === INPUT_CODECS.json) {
    const records = JSON.parse(req.inputs.toString('utf8')) as unknown[];
    records[r] = {};
    req.inputs = Buffer.from(JSON.stringify(records));
  } else {
    const bytes = req.input_codec === INPUT_CODECS.f32 ? 4 : 8;
    const width = req.inputs.length / bytes / req.rows;
    for (let j = 0; j < width; j++) {
      if (bytes === 4) req.inputs.writeFloatLE(NaN, (r * width + j) * 4);
      else req.inputs.writeDoubleLE(NaN, (r * width + j) * 8);
    }
  }
  if (req.labels) {
    const labels = JSON.parse(req.labels) as (string | null)[];
    labels[r] = null;
    req.labels = JSON.stringify(labels);
  }
  if (req.output_values) req.output_values.writeDoubleLE(NaN, r * 8);
  if (req.probabilities && req.classes) {
    const k = (JSON.parse(req.classes) as string[]).length;
    for (let j = 0; j < k; j++) req.probabilities.writeFloatLE(NaN, (r * k + j) * 4);
  }
  if (req.client_ids) {
    const ids = JSON.parse(req.client_ids) as (string | null)[];
    ids[r] = null;
    req.client_ids = JSON.stringify(ids);
  }
}
