// The typed client and query options for the storage panel (database size, log, retention).
import { queryOptions } from '@tanstack/react-query';
import type { StorageDto } from '../schemas/storage';
import { request } from './api-client';

export const storageKeys = { status: ['storage', 'status'] as const };

/** Polled slowly: the log grows with traffic and the retention sweep runs on its own. */
export const storageQuery = () =>
  queryOptions({
    queryKey: storageKeys.status,
    queryFn: () => request<StorageDto>('GET', '/api/v1/storage'),
    refetchInterval: 30_000,
  });
