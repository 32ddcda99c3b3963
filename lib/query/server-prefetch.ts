// A fresh QueryClient per server render, for prefetching under the client's query keys.
import { QueryClient } from '@tanstack/react-query';

export function serverQueryClient(): QueryClient {
  return new QueryClient({ defaultOptions: { queries: { staleTime: 5_000 } } });
}
