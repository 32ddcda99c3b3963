// The typed client for access: sign-in, first-start setup, API keys, the system's events.
import type { ApiKeyDto, CreateKeyInput, CreatedKeyDto, SessionDto } from '../schemas/access';
import type { EventListDto } from '../schemas/registry';
import { request } from './api-client';

export const accessApi = {
  session: () => request<SessionDto>('GET', '/api/v1/session'),
  login: (username: string, password: string) => request<void>('POST', '/api/v1/session', { username, password }),
  logout: () => request<void>('DELETE', '/api/v1/session'),
  setup: (username: string, password: string) => request<void>('POST', '/api/v1/setup', { username, password }),
  listKeys: () => request<{ api_keys: ApiKeyDto[] }>('GET', '/api/v1/keys'),
  createKey: (input: CreateKeyInput) => request<CreatedKeyDto>('POST', '/api/v1/keys', input),
  revokeKey: (id: number) => request<{ api_key: ApiKeyDto }>('DELETE', `/api/v1/keys/${id}`),
  systemEvents: () => request<EventListDto>('GET', '/api/v1/events?limit=50'),
};

export const accessKeys = {
  keys: ['access', 'keys'] as const,
  events: ['access', 'events'] as const,
};
