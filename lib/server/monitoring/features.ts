// Which features a version has (for drift), and a logged row's value of each.
import type { ModelSignature } from '../../../inference/signature';
import { INPUT_CODECS } from '../../../db/schema';
import type { Cell } from '../../metrics/profile';

/**
 * The model's features in the order of a logged row: feature_names; else the inputs of a model
 * with one input per column; else the reference's columns (one input of matching width); else x0….
 */
export function versionFeatures(signature: ModelSignature, featureNames: string[] | null, referenceColumns: string[] | null): string[] {
  if (featureNames) return featureNames;
  const inputs = signature.inputs.filter((i) => i.is_tensor);
  if (inputs.length > 1) return inputs.map((i) => i.name);
  const width = inputs[0]?.shape?.[1];
  if (referenceColumns && (typeof width !== 'number' || width === referenceColumns.length)) return referenceColumns;
  return typeof width === 'number' ? Array.from({ length: width }, (_, i) => `x${i}`) : [];
}

/** The values of every row of a logged request, by feature position. */
export function requestRows(codec: number, data: Buffer, rows: number, features: string[]): Cell[][] {
  const out = new Array<Cell[]>(rows);
  if (codec === INPUT_CODECS.json) {
    const records = JSON.parse(data.toString('utf8')) as Record<string, unknown>[];
    for (let r = 0; r < rows; r++) {
      out[r] = features.map((f) => {
        const v = records[r][f];
        const first = Array.isArray(v) ? v[0] : v;
        return typeof first === 'number' || typeof first === 'string' || typeof first === 'boolean' ? first : null;
      });
    }
    return out;
  }
  const bytes = codec === INPUT_CODECS.f32 ? 4 : 8;
  const width = data.length / bytes / rows;
  const values =
    codec === INPUT_CODECS.f32
      ? new Float32Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.length))
      : new Float64Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.length));
  for (let r = 0; r < rows; r++) {
    const row = new Array<Cell>(width);
    for (let j = 0; j < width; j++) row[j] = values[r * width + j];
    out[r] = row;
  }
  return out;
}
