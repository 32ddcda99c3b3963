// What a serving session costs in memory, and the options that make it cost less. Measured with
// onnxruntime-node 1.30 alone, sessions of the ~9.6 MB MLPs of scripts/bench/large-model.ts:
// - the CPU memory arena keeps each session's peak activations for good (25 MB per session after one
//   2000-row request, growing with the number of sessions); without it they go back to the allocator
//   and are shared (5 MB per session at 16 sessions), so what a load measures stays what the session
//   holds. Latency unchanged (30-feature model 8–9 µs, the MLP 154–161 µs per row). Off.
// - weight prepacking (MLAS repacks MatMul/Gemm weights at load) doubles a model's weights in memory
//   (18.3 → 11.9 MB RSS per model without it) and is most of the load (15.9 → 2.6 ms, all on the main
//   thread); single-row runs are unchanged (156 vs 154 µs), but multi-row runs repack the weights on
//   every call without it: 64 rows 3.0 → 3.9 ms, a 16-token sequence 1.0–1.3 → 1.8–2.2 ms. Kept on by
//   default so no model's hot path gets slower; ORT_PREPACK_WEIGHTS=false for many large models
//   served a row at a time.
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
 * The bytes a load is charged. onnxruntime-node reports no per-session memory, so it is measured:
 * the resident set's growth across session creation (loads run one at a time, so the growth is the
 * session's own), less the artifact's size — onnxruntime parses the model into a copy it frees once
 * the session is made, and in a process that has not yet freed as much, that copy shows in the growth
 * (measured on the MLPs: growth 28.7 MB, retained 18.9 MB with prepacking; 19.4 and 10.1 MB without).
 * A load that reuses memory an eviction or an upload's check freed grows the resident set little or
 * not at all, so the charge is never less than the weights' share of the artifact held in memory:
 * once, twice with prepacking (its packed copy of MatMul weights: measured steady-state cost 1.96×
 * the artifact with prepacking, 1.05× without, for weight-dominated models).
 */
export function accountedBytes(rssDelta: number, artifactBytes: number, prepackWeights: boolean): number {
  return Math.max(rssDelta - artifactBytes, Math.ceil(artifactBytes * (prepackWeights ? 2 : 1)));
}

/** Share of the machine's memory (or the cgroup's limit, when lower) the model cache may hold by default. */
export const DEFAULT_CACHE_SHARE = 0.25;

/** The default budget: a quarter of the memory this process may use (6 GB on a 24 GB machine). */
export function defaultBudgetBytes(totalBytes: number, constrainedBytes: number | undefined): number {
  const limit = constrainedBytes && constrainedBytes > 0 && constrainedBytes < totalBytes ? constrainedBytes : totalBytes;
  return Math.floor(limit * DEFAULT_CACHE_SHARE);
}
