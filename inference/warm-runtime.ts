// onnxruntime's first session in a process pays one-time costs (thread pools, allocators, kernel
// registries: ~25 MB of RSS measured). The model cache charges each session the RSS its load adds,
// so the server creates and releases this one-node graph (y = Identity(x), float [1]) before the
// first model loads: otherwise the first model served is charged the runtime itself.
import * as ort from 'onnxruntime-node';

const IDENTITY_ONNX = 'CAgSEm1vZGVsZG9jay1maXh0dXJlczpFCh4KAXgSAXkaCklkZW50aXR5X3kiCElkZW50aXR5OgASAWdaDwoBeBIKCggIARIECgIIAWIPCgF5EgoKCAgBEgQKAggBQgQKABAR';

export async function warmRuntime(): Promise<void> {
  const session = await ort.InferenceSession.create(Buffer.from(IDENTITY_ONNX, 'base64'));
  await session.run({ x: new ort.Tensor('float32', new Float32Array([1]), [1]) });
  await session.release();
}
