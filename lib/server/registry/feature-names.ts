// Which feature names fit a model: the one rule for names given at upload, edited later, or taken
// from a reference sample's header. Feature names order the columns of a model's one [N, F] input;
// a model with several inputs is named by its inputs' own names.
import type { ModelSignature, TensorSpec } from '../../../inference/signature';

const tensorInputs = (sig: ModelSignature): TensorSpec[] => sig.inputs.filter((i) => i.is_tensor);

/** The number of columns of a single input of rank 1 or 2: 1 for [N], F for [N, F]; null when symbolic. */
function fixedWidth(input: TensorSpec): number | null {
  const shape = input.shape;
  if (shape?.length === 1) return 1;
  return shape?.length === 2 && typeof shape[1] === 'number' ? shape[1] : null;
}

/** Why `names` cannot be this model's feature names, or null when they fit. */
export function featureNamesMismatch(names: string[], sig: ModelSignature): string | null {
  const inputs = tensorInputs(sig);
  if (inputs.length === 1) {
    const width = fixedWidth(inputs[0]);
    if (width !== null && width !== names.length)
      return `has ${names.length} names but input "${inputs[0].name}" takes ${width} feature${width === 1 ? '' : 's'}`;
    return null;
  }
  const unknown = names.filter((n) => !inputs.some((t) => t.name === n));
  if (unknown.length > 0) return `names ${unknown.slice(0, 5).join(', ')}, which are not inputs of this model (${inputs.map((t) => t.name).join(', ')})`;
  return null;
}

/**
 * Why feature names cannot be set on an existing version of this model, or null: they matter only
 * for one input of rank 1 or 2, whose columns they order when a request names its columns.
 */
export function featureNamesNotEditable(sig: ModelSignature): string | null {
  const inputs = tensorInputs(sig);
  const shown = inputs.map((t) => `"${t.name}" [${(t.shape ?? []).join(', ')}]`).join(', ');
  if (inputs.length !== 1)
    return `apply to a model with one [N, F] input; this model's inputs are ${shown}, and named columns already map to them by those names`;
  if ((inputs[0].shape?.length ?? 2) > 2) return `apply to a model with one [N, F] input; input ${shown} takes whole tensors`;
  return null;
}

/**
 * A reference sample's header as the feature names, when it can be: a model with one [N, F] input
 * of fixed width and exactly F columns (a header with a target or index column is not the input's).
 * The sample is the training data, whose column order is the order the model was fitted on — as
 * MLflow infers a signature's column names from the training DataFrame.
 */
export function featureNamesFromHeader(columns: string[], sig: ModelSignature): string[] | null {
  const inputs = tensorInputs(sig);
  if (inputs.length !== 1 || featureNamesNotEditable(sig) !== null) return null;
  if (fixedWidth(inputs[0]) !== columns.length) return null;
  if (columns.some((c) => c.length === 0 || c.length > 200) || new Set(columns).size !== columns.length) return null;
  return columns;
}
