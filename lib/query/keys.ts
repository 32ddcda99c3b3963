// React Query keys and query options, one factory per domain.
import { keepPreviousData, queryOptions } from '@tanstack/react-query';
import { api, type CompareView, type DriftQuery, type MonitoringView } from './api-client';

export const keys = {
  models: {
    all: ['models'] as const,
    list: () => ['models', 'list'] as const,
    detail: (name: string) => ['models', 'detail', name] as const,
    events: (name: string) => ['models', 'events', name] as const,
    version: (name: string, n: number) => ['models', 'version', name, n] as const,
    monitoring: (name: string, view: MonitoringView) => ['models', 'monitoring', name, view] as const,
    policy: (name: string) => ['models', 'policy', name] as const,
    verdict: (name: string) => ['models', 'verdict', name] as const,
    drift: (name: string, q: DriftQuery) => ['models', 'monitoring', name, 'drift', q] as const,
    shadow: (name: string) => ['models', 'shadow', name] as const,
    /** Every comparison of a model (a prefix), and one view of it. */
    compares: (name: string) => ['models', 'compare', name] as const,
    compare: (name: string, view: CompareView) => ['models', 'compare', name, view] as const,
    monitorings: (name: string) => ['models', 'monitoring', name] as const,
    predictions: (name: string, filters: object) => ['models', 'predictions', name, filters] as const,
  },
};

/**
 * What a change of a model's traffic (split, shadow, promotion) makes stale: its detail and
 * timeline, its shadow state, every comparison and monitoring view of it (production may now be
 * another version), and the overview's aliases.
 */
export function trafficKeys(name: string) {
  return [
    keys.models.detail(name),
    keys.models.events(name),
    keys.models.shadow(name),
    keys.models.compares(name),
    keys.models.monitorings(name),
    keys.models.list(),
    keys.models.verdict(name),
  ];
}

export const modelQueries = {
  list: () => queryOptions({ queryKey: keys.models.list(), queryFn: api.listModels }),
  detail: (name: string) => queryOptions({ queryKey: keys.models.detail(name), queryFn: () => api.getModel(name) }),
  events: (name: string) => queryOptions({ queryKey: keys.models.events(name), queryFn: () => api.getEvents(name) }),
  version: (name: string, n: number) => queryOptions({ queryKey: keys.models.version(name, n), queryFn: () => api.getVersion(name, n) }),
  // The previous view stays on screen while another loads, so switching range or bucket never blanks the charts.
  monitoring: (name: string, view: MonitoringView) =>
    queryOptions({
      queryKey: keys.models.monitoring(name, view),
      queryFn: () => api.getMonitoring(name, view),
      placeholderData: keepPreviousData,
    }),
  policy: (name: string) => queryOptions({ queryKey: keys.models.policy(name), queryFn: () => api.getPolicy(name) }),
  verdict: (name: string) => queryOptions({ queryKey: keys.models.verdict(name), queryFn: () => api.getVerdict(name) }),
  drift: (name: string, q: DriftQuery) => queryOptions({ queryKey: keys.models.drift(name, q), queryFn: () => api.getDriftDetail(name, q) }),
  shadow: (name: string) => queryOptions({ queryKey: keys.models.shadow(name), queryFn: () => api.getShadow(name) }),
  compare: (name: string, view: CompareView) =>
    queryOptions({
      queryKey: keys.models.compare(name, view),
      queryFn: () => api.getCompare(name, view),
      placeholderData: keepPreviousData,
    }),
};
