// The typed client for the app's own API: JSON in, DTOs out, problem+json turned into ApiError.
import type {
  AliasMoveDto, CreateModelInput, EventListDto, ModelDetailDto, ModelDto, ModelListDto, SetAliasInput,
  UpdateModelInput, UpdateVersionInput, VersionDto,
} from '../schemas/registry';
import type { ErrorCode, FieldError } from '../errors';

export class ApiError extends Error {
  constructor(readonly status: number, readonly code: ErrorCode | 'network', message: string, readonly errors: FieldError[] = []) {
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

async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
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
    xhr.upload.onprogress = (e) => { if (e.lengthComputable) onProgress(e.loaded / e.total); };
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
  deleteAlias: (name: string, alias: string) => request<void>('DELETE', `${m(name)}/aliases/${alias}`),
  rollbackAlias: (name: string, alias: string) => request<AliasMoveDto>('POST', `${m(name)}/aliases/${alias}/rollback`),
  getEvents: (name: string) => request<EventListDto>('GET', `${m(name)}/events?limit=100`),
};
