// onnxruntime-node wrapper: load a model from the artifact store, introspect its signature, release.
import * as ort from 'onnxruntime-node';
import { readFile } from 'node:fs/promises';
import { OnnxFormatError, scanOnnx } from './onnx-scan';
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

function toSpec(meta: ort.InferenceSession.ValueMetadata): TensorSpec {
  if (!meta.isTensor) return { name: meta.name, dtype: 'non_tensor', shape: null, is_tensor: false };
  return {
    name: meta.name,
    dtype: meta.type,
    shape: meta.shape.map((d) => (typeof d === 'string' ? d || '?' : d < 0 ? '?' : d)),
    is_tensor: true,
  };
}

// The runtime's messages start with the temp path it was given; keep only what describes the model.
function cleanRuntimeMessage(message: string): string {
  return message.replace(/^Load model from \S+ failed:\s*/, '').replace(/\s+/g, ' ').trim().slice(0, 500);
}

/**
 * Validates and loads ONNX bytes. The protobuf is scanned first so external-data references are
 * refused before onnxruntime could resolve any path; then the runtime must accept the graph.
 */
export async function loadModel(bytes: Uint8Array, options: InferenceSessionOptions = {}): Promise<LoadedModel> {
  const scan = scanOnnx(bytes);
  if (scan.externalData.length > 0) {
    throw new OnnxFormatError(
      `the model references external data files (${scan.externalData.slice(0, 3).join(', ')}); ` +
        'save it with all tensors inside the .onnx file',
    );
  }
  let session: ort.InferenceSession;
  const rssBefore = process.memoryUsage.rss();
  const started = performance.now();
  try {
    session = await ort.InferenceSession.create(bytes, { graphOptimizationLevel: 'all', ...options });
  } catch (err) {
    throw new ModelLoadError(`onnxruntime could not load the model: ${cleanRuntimeMessage((err as Error).message)}`);
  }
  const created = { ms: performance.now() - started, rssDelta: process.memoryUsage.rss() - rssBefore };
  return {
    session,
    created,
    signature: {
      inputs: session.inputMetadata.map(toSpec),
      outputs: session.outputMetadata.map(toSpec),
      ir_version: scan.irVersion,
      opsets: scan.opsets,
      producer: scan.producer,
      ...(scan.classLabels ? { class_labels: scan.classLabels } : {}),
    },
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
