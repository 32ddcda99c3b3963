// What a client of production would notice if another version took its place: inputs (names,
// dtypes, ranks, fixed dims), the feature names named rows are mapped by, and the classes. The
// promotion guard refuses a move of `production` that changes any of these unless forced; the
// alias dialog shows the same list before the click. Client-safe.
import type { SignatureDto, TensorSpecDto } from './schemas/registry';

export interface ComparableVersion {
  number: number;
  signature: SignatureDto;
  feature_names: string[] | null;
}

const shape = (s: TensorSpecDto) => `[${(s.shape ?? ['?']).join(', ')}]`;
const names = (xs: string[] | null) => (xs ? xs.join(', ') : 'none');

function inputDifferences(a: TensorSpecDto, b: TensorSpecDto): string[] {
  const out: string[] = [];
  const at = `input "${a.name}"`;
  if (a.dtype !== b.dtype) out.push(`${at}: dtype ${a.dtype} → ${b.dtype}`);
  if (a.shape && b.shape) {
    if (a.shape.length !== b.shape.length) {
      out.push(`${at}: rank ${a.shape.length} → ${b.shape.length} (${shape(a)} → ${shape(b)})`);
    } else {
      // A fixed dimension that changes, appears or goes: requests of the old shape fail (a fixed batch
      // of 1 from an export without dynamic axes refuses batches). Two free dims never differ.
      const dims = a.shape.flatMap((d, k) => {
        const e = b.shape![k];
        return (typeof d === 'number' || typeof e === 'number') && d !== e ? [`dimension ${k} ${d} → ${e}`] : [];
      });
      if (dims.length) out.push(`${at}: ${dims.join(', ')} (${shape(a)} → ${shape(b)})`);
    }
  }
  return out;
}

/** How many classes a signature scores: its graph classes, else the fixed width of a float [N, C] output ([N, 1] is binary). */
function classCount(sig: SignatureDto): number | null {
  if (sig.class_labels) return sig.class_labels.length;
  const scores = sig.outputs.find((o) => o.is_tensor && o.dtype.startsWith('float') && o.shape?.length === 2);
  const width = scores?.shape?.[1];
  return typeof width === 'number' ? (width === 1 ? 2 : width) : null;
}

/** The differences between the current production version and the candidate, in words (empty: compatible). */
export function versionDifferences(current: ComparableVersion, next: ComparableVersion, task: string): string[] {
  const out: string[] = [];
  const a = current.signature.inputs.filter((s) => s.is_tensor);
  const b = next.signature.inputs.filter((s) => s.is_tensor);
  for (const s of a) {
    const t = b.find((x) => x.name === s.name);
    if (!t) out.push(`input "${s.name}" ${s.dtype} ${shape(s)} is gone`);
    else out.push(...inputDifferences(s, t));
  }
  for (const t of b) if (!a.some((s) => s.name === t.name)) out.push(`new input "${t.name}" ${t.dtype} ${shape(t)}`);
  const fa = current.feature_names;
  const fb = next.feature_names;
  if ((fa === null) !== (fb === null) || (fa && fb && fa.join('\u0000') !== fb.join('\u0000'))) {
    out.push(`feature names: ${names(fa)} → ${names(fb)}${fb === null ? ' (named rows would be refused)' : ''}`);
  }
  if (task !== 'regression') {
    const ca = current.signature.class_labels ?? null;
    const cb = next.signature.class_labels ?? null;
    if ((ca === null) !== (cb === null) || (ca && cb && ca.join('\u0000') !== cb.join('\u0000'))) {
      out.push(`class values: ${names(ca)} → ${names(cb)}`);
    } else {
      const na = classCount(current.signature);
      const nb = classCount(next.signature);
      if (na !== nb) out.push(`classes: ${na ?? 'unknown'} → ${nb ?? 'unknown'}`);
    }
  }
  return out;
}
