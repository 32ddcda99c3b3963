// Wire types of GET /api/v1/runtime: the model cache of the answering process. Client-safe.

/** Why a version is kept resident while it fits: it serves production, a split, or a shadow. */
export const SERVING_ROLES = ['production', 'split', 'shadow'] as const;
export type ServingRole = (typeof SERVING_ROLES)[number];

/** A version stored as a loaded artifact, with its roles in the serving set (none: loaded on demand). */
export interface RuntimeVersionDto {
  model: string;
  version: number;
  roles: ServingRole[];
}

export interface RuntimeSessionDto {
  sha256: string;
  /** Memory accounted to the session: measured at load (resident set growth), at least the weights it holds. */
  bytes: number;
  load_ms: number;
  loaded_at: string;
  last_used_at: string;
  hits: number;
  loads: number;
  evictions: number;
  /** Some version of it is production, in a split or a shadow: evicted only when the serving set does not fit. */
  serving: boolean;
  versions: RuntimeVersionDto[];
}

/** A serving artifact not loaded now: evicted (the serving set does not fit), failed, or not loaded yet. */
export interface RuntimeMissingDto {
  sha256: string;
  /** Last measured size, null when it never loaded in this process. */
  bytes: number | null;
  loads: number;
  evictions: number;
  versions: RuntimeVersionDto[];
}

export interface RuntimeDto {
  model_cache: {
    budget_bytes: number;
    resident_bytes: number;
    sessions: number;
    /** Loads waiting or under way (they run one at a time). */
    loading: number;
    loads: number;
    evictions: number;
    hits: number;
    serving_set: {
      fits: boolean;
      bytes: number;
      sessions: number;
      /** Serving artifacts never loaded in this process (their size is not known, not counted in bytes). */
      unmeasured: number;
    };
  };
  sessions: RuntimeSessionDto[];
  serving_not_resident: RuntimeMissingDto[];
}
