// Which class a reported value names (an outcome's `actual`, an imported `prediction`, a cell of an
// outcomes CSV). A model exported with int64 classes 0/1 and declared labels ["malignant", "benign"]
// predicts "benign", but the data scientist's ground truth says 1 (or True): all three name the same
// class. The one rule, used by outcomes, imports and CSV uploads (which post outcomes). Client-safe.

export interface ClassSpace {
  /** The names predictions carry, by probability column: declared labels, else the graph's class values. Null: not known. */
  classes: string[] | null;
  /** The graph's own class values by column: the exporter's, else the column index (a logits model's argmax). */
  values: string[] | null;
  /** Binary models: the class `true` names (the version's positive class, else column 1); `false` names the other. */
  positive: string | null;
}

/**
 * The class space of a version, as inference/outputs names classes: column j is labels[j], else the
 * graph's class value j. `columns` (the probability columns a logged request stored) stand in
 * when neither is known.
 */
export function classSpace(o: {
  task: string;
  labels: string[] | null;
  classValues: string[] | null;
  columns?: string[] | null;
  positiveClass?: string | null;
}): ClassSpace {
  const n = Math.max(o.labels?.length ?? 0, o.classValues?.length ?? 0);
  const classes = n > 0 ? Array.from({ length: n }, (_, j) => o.labels?.[j] ?? o.classValues![j]) : (o.columns ?? null);
  const values = o.classValues ?? (classes ? classes.map((_, j) => String(j)) : null);
  let positive: string | null = null;
  if (o.task === 'binary_classification' && classes?.length === 2) {
    positive = o.positiveClass && classes.includes(o.positiveClass) ? o.positiveClass : classes[1];
  }
  return { classes, values, positive };
}

const BOOLEAN_TEXT: Record<string, boolean> = { true: true, false: false };
const show = (v: unknown) => `"${String(v).slice(0, 100)}"`;
const list = (xs: string[]) => `${xs.slice(0, 20).join(', ')}${xs.length > 20 ? ', …' : ''}`;

/** The accepted forms, for the message when none matches. */
export function acceptedForms(space: ClassSpace): string {
  if (!space.classes) return 'a class label';
  const forms = [`a label (${list(space.classes)})`];
  if (space.values && space.values.some((v, j) => v !== space.classes![j])) forms.push(`the graph's class value (${list(space.values)})`);
  if (space.positive !== null) forms.push(`true/false (true is ${space.positive})`);
  return forms.length === 1 ? forms[0] : `${forms.slice(0, -1).join(', ')} or ${forms[forms.length - 1]}`;
}

/**
 * The class `raw` names, in the names predictions carry: a label as is, a graph class value (number
 * or its text) mapped by column, and for binary models true/false ("true"/"false" in a CSV) mapped
 * to the positive class and the other one. With no known classes, any label is taken as given.
 */
export function resolveClass(raw: unknown, space: ClassSpace): { label: string } | { error: string } {
  if (typeof raw !== 'string' && typeof raw !== 'number' && typeof raw !== 'boolean') {
    return { error: `must be a class: ${acceptedForms(space)}` };
  }
  const { classes, values, positive } = space;
  if (!classes) return { label: String(raw) };
  if (typeof raw !== 'boolean') {
    const text = String(raw);
    if (classes.includes(text)) return { label: text };
    const j = values?.indexOf(text) ?? -1;
    if (j >= 0) return { label: classes[j] };
  }
  const bool = typeof raw === 'boolean' ? raw : BOOLEAN_TEXT[raw.toString().toLowerCase()];
  if (bool !== undefined && positive !== null) return { label: bool ? positive : classes.find((c) => c !== positive)! };
  return { error: `${show(raw)} is not one of the model's labels; give ${acceptedForms(space)}` };
}

/**
 * Column names of a score output that nothing names (no labels, no graph classes): its indices,
 * as inference/outputs names them; one score per row ([N] or [N, 1]) is binary (columns 0 and 1).
 * Null when the width is not fixed.
 */
export function indexColumns(scores: { shape: (number | string)[] | null } | undefined): string[] | null {
  if (!scores?.shape) return null;
  const width = scores.shape.length === 1 ? 1 : scores.shape[1];
  if (typeof width !== 'number') return null;
  return Array.from({ length: width === 1 ? 2 : width }, (_, j) => String(j));
}
