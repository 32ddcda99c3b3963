// Types describing an ONNX model's interface as stored in the registry and sent on the wire.

export interface TensorSpec {
  name: string;
  /** ONNX element type (float32, int64, string …) for tensors; the value kind (sequence, map …) otherwise. */
  dtype: string;
  /** Dimensions; symbolic (dynamic) dimensions are kept as their names, unnamed ones as "?". */
  shape: (number | string)[] | null;
  /** False for sequence/map outputs (e.g. skl2onnx's ZipMap), which onnxruntime-node cannot return. */
  is_tensor: boolean;
}

export interface ModelSignature {
  inputs: TensorSpec[];
  outputs: TensorSpec[];
  ir_version: number;
  opsets: { domain: string; version: number }[];
  producer: string;
  /** Class values the exporter stored in the graph, in probability-column order (when it did). */
  class_labels?: string[];
}

/** How to read a classifier's outputs; stored per version. */
export interface OutputSpec {
  positive_class?: string;
  threshold?: number;
}

/** The reference sample (training data) stored for drift baselines. */
export interface ReferenceInfo {
  sha256: string;
  rows: number;
  columns: string[];
  format: 'csv' | 'json';
}
