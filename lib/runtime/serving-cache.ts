// What serving keeps between requests: the parsed plan of each version it served, and resolved
// targets (alias or version → plan, split, shadows), valid while the database's change signal stays
// where it was when they were resolved. Filled and read by lib/server/serving; held on the runtime.
import type { DecodeOptions } from '../../inference/codecs';
import type { OutputPlan } from '../../inference/outputs';
import type { ModelSignature, OutputSpec } from '../../inference/signature';
import type { Task } from '../../inference/tasks';

export interface ServingPlan {
  modelId: number;
  modelName: string;
  versionId: number;
  number: number;
  sha256: string;
  task: Task;
  labels: string[] | null;
  output: OutputSpec | null;
  signature: ModelSignature;
  decode: DecodeOptions;
  outputs: OutputPlan | { error: string };
  archived: boolean;
  /** Requests may be merged into one run only when every input's batch dimension is dynamic. */
  batchable: boolean;
}

/** A split alias: its versions' plans and the cumulative shares of their weights. */
export interface SplitRoute {
  plans: ServingPlan[];
  cumulative: Float64Array;
  model: string;
  alias: string;
}

/** A resolved target: the version it names, its split (alias with weights) and production's shadows. */
export interface Resolved {
  plan: ServingPlan;
  split: SplitRoute | null;
  shadows: ServingPlan[] | null;
}

export interface ServingCache {
  /** Plans by what an edit can change (see servingPlan). */
  plans: Map<string, ServingPlan>;
  /** Resolved targets ("model\0alias" or "model\0#n"), valid for one version of the change signal. */
  targets: Map<string, Resolved>;
  targetsVersion: number;
}

export function newServingCache(): ServingCache {
  return { plans: new Map(), targets: new Map(), targetsVersion: -1 };
}
