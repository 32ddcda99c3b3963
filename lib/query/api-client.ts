// The typed client for the app's own API: JSON in, DTOs out, problem+json turned into ApiError.
import type {
  AliasMoveDto,
  CreateModelInput,
  EventListDto,
  ModelDetailDto,
  ModelDto,
  ModelListDto,
  SetAliasInput,
  UpdateModelInput,
  UpdateVersionInput,
  VersionDto,
} from '../schemas/registry';
import type { ErrorCode, FieldError } from '../errors';
import type { OutcomesResultDto } from '../schemas/outcomes';
import type { DriftDetailDto, MonitoringDto, MonitoringQuery, Policy, PolicyDto, VerdictDto } from '../schemas/monitoring';
import type { CompareDto, CompareQuery, ShadowDto, SplitEntry } from '../schemas/experiments';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode | 'network',
    message: string,
    readonly errors: FieldError[] = [],
  ) {
    super(message);
    this.name = 'ApiError';
  }
  /** The message for one field, if the server named it. */
  forField(path: string): string | undefined {
    return this.errors.find((e) => e.path === path || e.path.startsWith(`${path}.`))?.message;
  }
}

function toApiError(status: number, body: unknown): ApiError {
  const p = (body ?? {}) as { code?: ErrorCode; detail?: string; errors?: FieldError[] };
  return new ApiError(status, p.code ?? 'internal', p.detail ?? `request failed with status ${status}`, p.errors ?? []);
}

export async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers: body === undefined ? undefined : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, 'network', 'the server could not be reached');
  }
  if (res.status === 204) return undefined as T;
  const data: unknown = await res.json().catch(() => null);
  if (!res.ok) throw toApiError(res.status, data);
  return data as T;
}

const m = (name: string) => `/api/v1/models/${encodeURIComponent(name)}`;

/** Upload through XMLHttpRequest: fetch cannot report upload progress. */
function upload(name: string, form: FormData, onProgress: (fraction: number) => void, signal?: AbortSignal): Promise<{ version: VersionDto }> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', `${m(name)}/versions`);
    xhr.responseType = 'json';
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) onProgress(e.loaded / e.total);
    };
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) resolve(xhr.response as { version: VersionDto });
      else reject(toApiError(xhr.status, xhr.response));
    };
    xhr.onerror = () => reject(new ApiError(0, 'network', 'the upload was interrupted'));
    xhr.onabort = () => reject(new ApiError(0, 'network', 'the upload was cancelled'));
    signal?.addEventListener('abort', () => xhr.abort());
    xhr.send(form);
  });
}

export const api = {
  listModels: () => request<ModelListDto>('GET', '/api/v1/models?limit=200'),
  createModel: (input: CreateModelInput) => request<{ model: ModelDto }>('POST', '/api/v1/models', input),
  getModel: (name: string) => request<ModelDetailDto>('GET', `${m(name)}?include_archived=true`),
  updateModel: (name: string, input: UpdateModelInput) => request<{ model: ModelDto }>('PATCH', m(name), input),
  deleteModel: (name: string) => request<void>('DELETE', m(name)),
  getVersion: (name: string, n: number) => request<{ version: VersionDto }>('GET', `${m(name)}/versions/${n}`),
  updateVersion: (name: string, n: number, input: UpdateVersionInput) => request<{ version: VersionDto }>('PATCH', `${m(name)}/versions/${n}`, input),
  uploadVersion: upload,
  setAlias: (name: string, alias: string, input: SetAliasInput) => request<AliasMoveDto>('PUT', `${m(name)}/aliases/${alias}`, input),
  /** A weighted split of the alias; `setAlias` ends it. */
  setSplit: (name: string, alias: string, versions: SplitEntry[]) => request<AliasMoveDto>('PUT', `${m(name)}/aliases/${alias}`, { versions }),
  deleteAlias: (name: string, alias: string) => request<void>('DELETE', `${m(name)}/aliases/${alias}`),
  rollbackAlias: (name: string, alias: string, reason?: string) =>
    request<AliasMoveDto>('POST', `${m(name)}/aliases/${alias}/rollback`, reason ? { reason } : undefined),
  getEvents: (name: string) => request<EventListDto>('GET', `${m(name)}/events?limit=100`),
  getMonitoring: (name: string, view: MonitoringView) => {
    const q = monitoringQuery(view);
    const search = new URLSearchParams(Object.entries(q).flatMap(([k, v]) => (v === undefined ? [] : [[k, String(v)]])));
    return request<MonitoringDto>('GET', `${m(name)}/monitoring?${search}`);
  },
  getPolicy: (name: string) => request<PolicyDto>('GET', `${m(name)}/policy`),
  putPolicy: (name: string, policy: Partial<Policy>) => request<PolicyDto>('PUT', `${m(name)}/policy`, policy),
  resetPolicy: (name: string) => request<PolicyDto>('DELETE', `${m(name)}/policy`),
  getVerdict: (name: string) => request<{ verdict: VerdictDto | null }>('GET', `${m(name)}/verdict`),
  getDriftDetail: (name: string, q: DriftQuery) => {
    const search = new URLSearchParams(Object.entries(q).flatMap(([k, v]) => (v === undefined ? [] : [[k, String(v)]])));
    return request<DriftDetailDto>('GET', `${m(name)}/monitoring/drift?${search}`);
  },
  getShadow: (name: string) => request<ShadowDto>('GET', `${m(name)}/shadow`),
  setShadow: (name: string, versions: number[]) => request<ShadowDto>('PUT', `${m(name)}/shadow`, { versions }),
  endShadow: (name: string) => request<void>('DELETE', `${m(name)}/shadow`),
  getCompare: (name: string, view: CompareView) => {
    const q = compareQuery(view);
    const search = new URLSearchParams(Object.entries(q).flatMap(([k, v]) => (v === undefined ? [] : [[k, String(v)]])));
    return request<CompareDto>('GET', `${m(name)}/compare?${search}`);
  },
  createDemo: () => request<{ model: string; created: boolean }>('POST', '/api/v1/demo', {}),
  postOutcomes: (outcomes: unknown[]) => request<OutcomesResultDto>('POST', '/api/v1/outcomes', { outcomes }),
};

/** One heatmap cell: a feature in one window of a version (or an alias). */
export interface DriftQuery {
  version?: number;
  alias?: string;
  feature: string;
  start: string;
  bucket: 'hour' | 'day';
}

/** What the monitoring page shows: a version (or an alias), the last `days` days, in hour or day windows. */
export interface MonitoringView {
  version?: number;
  alias?: string;
  days: number;
  bucket: 'hour' | 'day';
}

/**
 * The monitoring query of a view. `from` is relative to now and `to` is left to the server (now),
 * so the query key holds the view, not timestamps: the server's prefetch and the browser agree.
 */
export function monitoringQuery(view: MonitoringView, now = Date.now()): MonitoringQuery {
  return {
    ...(view.version !== undefined ? { version: view.version } : { alias: view.alias ?? 'production' }),
    from: new Date(now - view.days * 86_400_000).toISOString(),
    bucket: view.bucket,
  };
}

/**
 * What the comparison page shows: version a (champion) against b (challenger), since the running
 * experiment began (`since: 'start'`) or the last `days` days, in hour or day windows.
 */
export interface CompareView {
  a: number;
  b: number;
  days: number;
  bucket: 'hour' | 'day';
  since?: 'start';
}

/** The compare query of a view; like `monitoringQuery`, `from` is relative to now (or the experiment's start) and `to` is the server's now. */
export function compareQuery(view: CompareView, now = Date.now()): CompareQuery {
  return { a: view.a, b: view.b, from: view.since === 'start' ? 'experiment' : new Date(now - view.days * 86_400_000).toISOString(), bucket: view.bucket };
}
