// onnxruntime-node wrapper: load a model from the artifact store, introspect its signature, release.
import * as ort from 'onnxruntime-node';
import { readFile } from 'node:fs/promises';
import { checkFoldedSizes, DEFAULT_MAX_CONSTANT_BYTES, type FoldLimits } from './fold-estimate';
import { OnnxFormatError, scanOnnx, type OnnxScan } from './onnx-scan';
import { cleanOrtMessage } from './ort-message';
import type { ModelSignature, TensorSpec } from './signature';

export class ModelLoadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ModelLoadError';
  }
}

export type InferenceSessionOptions = ort.InferenceSession.SessionOptions;

export interface LoadedModel {
  session: ort.InferenceSession;
  signature: ModelSignature;
  /** Session creation alone: wall time, and the process's resident set growth across it. */
  created: { ms: number; rssDelta: number };
}

/** An input's or output's metadata as the runtime reports it (and as the load probe prints it). */
export type ValueMetadata = { name: string; isTensor: false } | { name: string; isTensor: true; type: string; shape: readonly (number | string)[] };

function toSpec(meta: ValueMetadata): TensorSpec {
  if (!meta.isTensor) return { name: meta.name, dtype: 'non_tensor', shape: null, is_tensor: false };
  return {
    name: meta.name,
    dtype: meta.type,
    shape: meta.shape.map((d) => (typeof d === 'string' ? d || '?' : d < 0 ? '?' : d)),
    is_tensor: true,
  };
}

/**
 * The checks that run before onnxruntime sees the bytes: the protobuf scan (so external-data
 * references are refused before the runtime could resolve any path) and the fold estimate (so a
 * tensor sized by constants is refused before constant folding allocates it).
 */
export function prescan(bytes: Uint8Array, limits: FoldLimits = { maxConstantBytes: DEFAULT_MAX_CONSTANT_BYTES }): OnnxScan {
  const scan = scanOnnx(bytes);
  if (scan.externalData.length > 0) {
    throw new OnnxFormatError(
      `the model references external data files (${scan.externalData.slice(0, 3).join(', ')}); ` + 'save it with all tensors inside the .onnx file',
    );
  }
  checkFoldedSizes(bytes, limits);
  return scan;
}

/** Validates and loads ONNX bytes: the prescan, then the runtime must accept the graph. */
export async function loadModel(bytes: Uint8Array, options: InferenceSessionOptions = {}, limits?: FoldLimits): Promise<LoadedModel> {
  const scan = prescan(bytes, limits);
  let session: ort.InferenceSession;
  const rssBefore = process.memoryUsage.rss();
  const started = performance.now();
  try {
    session = await ort.InferenceSession.create(bytes, { graphOptimizationLevel: 'all', ...options });
  } catch (err) {
    throw new ModelLoadError(`onnxruntime could not load the model: ${cleanOrtMessage(err)}`);
  }
  const created = { ms: performance.now() - started, rssDelta: process.memoryUsage.rss() - rssBefore };
  return { session, created, signature: signatureOf(scan, session.inputMetadata, session.outputMetadata) };
}

/** The signature: the runtime's view of inputs and outputs, the scan's of the file. */
export function signatureOf(scan: OnnxScan, inputs: readonly ValueMetadata[], outputs: readonly ValueMetadata[]): ModelSignature {
  return {
    inputs: inputs.map(toSpec),
    outputs: outputs.map(toSpec),
    ir_version: scan.irVersion,
    opsets: scan.opsets,
    producer: scan.producer,
    ...(scan.classLabels ? { class_labels: scan.classLabels } : {}),
  };
}

export async function loadModelFile(path: string): Promise<LoadedModel> {
  return loadModel(await readFile(path));
}

/** Reads the signature of a model and releases its session. */
export async function introspect(bytes: Uint8Array): Promise<ModelSignature> {
  const { session, signature } = await loadModel(bytes);
  await session.release();
  return signature;
}
