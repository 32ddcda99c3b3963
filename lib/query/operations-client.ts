// The typed client and query keys for notifications: webhooks and their deliveries.
import { queryOptions } from '@tanstack/react-query';
import type { CreateWebhookInput, CreatedWebhookDto, DeliveryDto, WebhookListDto } from '../schemas/webhooks';
import { request } from './api-client';

export const operationsKeys = {
  webhooks: ['operations', 'webhooks'] as const,
  deliveries: (id: number) => ['operations', 'webhooks', id, 'deliveries'] as const,
};

export const operationsApi = {
  listWebhooks: () => request<WebhookListDto>('GET', '/api/v1/webhooks'),
  createWebhook: (input: CreateWebhookInput) => request<CreatedWebhookDto>('POST', '/api/v1/webhooks', input),
  deleteWebhook: (id: number) => request<void>('DELETE', `/api/v1/webhooks/${id}`),
  testWebhook: (id: number) => request<{ delivery: DeliveryDto }>('POST', `/api/v1/webhooks/${id}/test`),
  deliveries: (id: number) => request<{ deliveries: DeliveryDto[] }>('GET', `/api/v1/webhooks/${id}/deliveries?limit=20`),
};

/** Polled while something is on its way: a delivery's status changes without anything this page does. */
export const webhooksQuery = () =>
  queryOptions({
    queryKey: operationsKeys.webhooks,
    queryFn: operationsApi.listWebhooks,
    refetchInterval: (q) => (q.state.data && q.state.data.jobs.pending + q.state.data.jobs.retrying > 0 ? 2_000 : 15_000),
  });

export const deliveriesQuery = (id: number) =>
  queryOptions({
    queryKey: operationsKeys.deliveries(id),
    queryFn: () => operationsApi.deliveries(id),
    refetchInterval: (q) => (q.state.data?.deliveries.some((d) => d.status === 'retrying') ? 1_500 : 10_000),
  });
