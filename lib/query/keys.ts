// React Query keys and query options, one factory per domain.
import { keepPreviousData, queryOptions } from '@tanstack/react-query';
import { api, type MonitoringView } from './api-client';

export const keys = {
  models: {
    all: ['models'] as const,
    list: () => ['models', 'list'] as const,
    detail: (name: string) => ['models', 'detail', name] as const,
    events: (name: string) => ['models', 'events', name] as const,
    version: (name: string, n: number) => ['models', 'version', name, n] as const,
    monitoring: (name: string, view: MonitoringView) => ['models', 'monitoring', name, view] as const,
    policy: (name: string) => ['models', 'policy', name] as const,
  },
};

export const modelQueries = {
  list: () => queryOptions({ queryKey: keys.models.list(), queryFn: api.listModels }),
  detail: (name: string) => queryOptions({ queryKey: keys.models.detail(name), queryFn: () => api.getModel(name) }),
  events: (name: string) => queryOptions({ queryKey: keys.models.events(name), queryFn: () => api.getEvents(name) }),
  version: (name: string, n: number) => queryOptions({ queryKey: keys.models.version(name, n), queryFn: () => api.getVersion(name, n) }),
  // The previous view stays on screen while another loads, so switching range or bucket never blanks the charts.
  monitoring: (name: string, view: MonitoringView) => queryOptions({
    queryKey: keys.models.monitoring(name, view), queryFn: () => api.getMonitoring(name, view), placeholderData: keepPreviousData,
  }),
  policy: (name: string) => queryOptions({ queryKey: keys.models.policy(name), queryFn: () => api.getPolicy(name) }),
};
