// What a serving session costs in memory, and the options that make it cost less. Measured with
// onnxruntime-node 1.30 alone, 16 sessions of the ~9.6 MB MLP of scripts/bench/large-model.ts:
// - weight prepacking (MLAS repacks MatMul/Gemm weights at load) doubles a model's weights in memory
//   (18.3 → 11.9 MB RSS per model without it) and costs most of the load (15.9 → 2.6 ms, all on the
//   main thread); single-row latency is unchanged (156 vs 154 µs), 64-row batches of that model run
//   ~30 % slower (3.0 → 3.9 ms), the 30-feature bench model is unchanged (9 µs). Off by default;
//   ORT_PREPACK_WEIGHTS=true turns it back on for few large models served in large batches.
// - the CPU memory arena keeps each session's peak activations for good (25 MB per session after one
//   2000-row request, growing with the number of sessions); without it they return to the allocator
//   and are shared (5 MB per session at 16 sessions), so what a load measures stays what the session
//   holds. Latency unchanged (small model 8–9 µs, the MLP 154–161 µs per row).
// - use_device_allocator_for_initializers: no gain once the arena is off (not used).
// - versions that share an artifact share one session: the cache is keyed by sha256.
import type { InferenceSessionOptions } from './runtime';

export function servingSessionOptions(o: { intraOpThreads: number; prepackWeights: boolean }): InferenceSessionOptions {
  return {
    intraOpNumThreads: o.intraOpThreads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    enableCpuMemArena: false,
    ...(o.prepackWeights ? {} : { extra: { session: { disable_prepacking: '1' } } }),
  };
}

/**
 * The bytes a load is charged: the resident set's growth across session creation (loads run one at
 * a time, so the growth is the session's), but never less than the artifact itself — its weights are
 * in memory at least once, and a load that reuses memory an eviction freed shows little growth.
 * (onnxruntime-node reports no per-session memory figures.)
 */
export function accountedBytes(rssDelta: number, artifactBytes: number): number {
  return Math.max(rssDelta, artifactBytes);
}

/** Share of the machine's memory (or the cgroup's limit, when lower) the model cache may hold by default. */
export const DEFAULT_CACHE_SHARE = 0.25;

/** The default budget: a quarter of the memory this process may use (6 GB on a 24 GB machine). */
export function defaultBudgetBytes(totalBytes: number, constrainedBytes: number | undefined): number {
  const limit = constrainedBytes && constrainedBytes > 0 && constrainedBytes < totalBytes ? constrainedBytes : totalBytes;
  return Math.floor(limit * DEFAULT_CACHE_SHARE);
}
