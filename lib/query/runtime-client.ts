// The typed client and query options for the server's runtime (the model cache).
import { queryOptions } from '@tanstack/react-query';
import type { RuntimeDto } from '../schemas/runtime';
import { request } from './api-client';

export const runtimeKeys = { status: ['runtime', 'status'] as const };

/** Polled: loads, evictions and last use change with traffic, not with anything this page does. */
export const runtimeQuery = () =>
  queryOptions({
    queryKey: runtimeKeys.status,
    queryFn: () => request<RuntimeDto>('GET', '/api/v1/runtime'),
    refetchInterval: 5_000,
  });
