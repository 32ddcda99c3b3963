// The monitoring examples of scripts/ops stay true to the app: the Grafana dashboard parses and every
// PromQL expression in it and in the alert rules names only metrics (and labels) the app's registry
// exports; promtool accepts the rules, runs their unit tests and accepts the scrape config.
// promtool comes with Debian's `prometheus` (scripts/ensure-prometheus.sh installs it; npm test runs that first).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ServingMetrics } from '../../lib/runtime/metrics';

const DIR = __dirname;
const PROMTOOL = process.env.PROMTOOL_PATH ?? '/usr/bin/promtool';
const read = (file: string) => readFileSync(join(DIR, file), 'utf8');

/** Sample names and label names of every metric the registry exports (histograms with their series suffixes). */
function exported(): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const m of new ServingMetrics().registry.getMetricsAsArray()) {
    const { name, labelNames = [] } = m as unknown as { name: string; labelNames?: string[] };
    const type = (m as unknown as { type?: string }).type ?? '';
    const suffixes = type === 'histogram' ? ['_bucket', '_sum', '_count'] : [''];
    for (const s of suffixes) out.set(name + s, new Set(s === '_bucket' ? [...labelNames, 'le'] : labelNames));
  }
  return out;
}

/**
 * The webhook delivery counters come from the webhooks work of the same issue, on another branch:
 * until the registry exports any modeldock_webhook_ metric, these names are taken on trust; once it
 * does, they are checked like every other name.
 */
const FROM_WEBHOOKS = new Map([['modeldock_webhook_deliveries_total', new Set(['result'])]]);

function known(): Map<string, Set<string>> {
  const names = exported();
  if ([...names.keys()].some((n) => n.startsWith('modeldock_webhook_'))) return names;
  return new Map([...names, ...FROM_WEBHOOKS]);
}

/** Each `modeldock_…` selector in a PromQL expression: the metric and the label names it matches on. */
function selectors(expr: string): { metric: string; labels: string[] }[] {
  return [...expr.matchAll(/\b(modeldock_[a-z0-9_]+)(\{([^}]*)\})?/g)].map((m) => ({
    metric: m[1],
    labels: [...(m[3] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)/g)].map((l) => l[1]),
  }));
}

function unknownIn(exprs: string[]): string[] {
  const names = known();
  const problems: string[] = [];
  for (const expr of exprs) {
    for (const s of selectors(expr)) {
      const labels = names.get(s.metric);
      if (!labels) problems.push(`${s.metric} (not exported)`);
      else for (const l of s.labels) if (!labels.has(l)) problems.push(`${s.metric}{${l}} (no such label)`);
    }
  }
  return problems;
}

interface Panel {
  type: string;
  title: string;
  datasource?: { type: string; uid: string };
  targets?: { expr: string }[];
}

function promtool(...args: string[]): { status: number | null; out: string } {
  expect(existsSync(PROMTOOL), `${PROMTOOL} is missing: run bash scripts/ensure-prometheus.sh (installs Debian's prometheus)`).toBe(true);
  const r = spawnSync(PROMTOOL, args, { cwd: DIR, encoding: 'utf8' });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

describe('the Grafana dashboard', () => {
  const dashboard = JSON.parse(read('grafana-dashboard.json')) as {
    uid: string;
    panels: Panel[];
    templating: { list: { name: string; type: string; query: unknown; definition?: string }[] };
  };
  const panels = dashboard.panels.filter((p) => p.type !== 'row');

  it('has a Prometheus datasource variable that every panel and the model variable use', () => {
    expect(dashboard.templating.list.find((v) => v.name === 'datasource')).toMatchObject({ type: 'datasource', query: 'prometheus' });
    expect(panels.length).toBeGreaterThanOrEqual(12);
    for (const p of panels) {
      expect(p.datasource, p.title).toEqual({ type: 'prometheus', uid: '${datasource}' });
      expect(p.targets?.length, p.title).toBeGreaterThan(0);
    }
  });

  it('shows serving, model health, outcomes and webhooks', () => {
    const exprs = panels.flatMap((p) => p.targets!.map((t) => t.expr)).join('\n');
    for (const metric of [
      'modeldock_prediction_requests_total',
      'modeldock_prediction_duration_seconds_bucket',
      'modeldock_model_state',
      'modeldock_model_needs_retraining',
      'modeldock_model_metric',
      'modeldock_model_baseline',
      'modeldock_model_labeled_coverage',
      'modeldock_model_drift_share',
      'modeldock_outcomes_total',
      'modeldock_webhook_deliveries_total',
    ]) {
      expect(exprs, metric).toContain(metric);
    }
  });

  it('queries only metrics and labels the app exports', () => {
    const exprs = panels.flatMap((p) => p.targets!.map((t) => t.expr));
    const variables = dashboard.templating.list.map((v) => v.definition ?? '').filter(Boolean);
    expect(unknownIn([...exprs, ...variables])).toEqual([]);
  });

  it('the check itself finds a misspelt metric and a missing label', () => {
    expect(unknownIn(['rate(modeldock_prediction_request_total[5m])', 'modeldock_model_state{status="watch"}'])).toEqual([
      'modeldock_prediction_request_total (not exported)',
      'modeldock_model_state{status} (no such label)',
    ]);
  });
});

describe('the alert rules and the scrape config', () => {
  it('name only metrics and labels the app exports', () => {
    const rules = read('alert-rules.yml');
    const exprs = [...rules.matchAll(/expr: (\|\n((?: {10}.*\n)+)|.*)/g)].map((m) => m[2] ?? m[1]);
    expect(exprs).toHaveLength(6);
    expect(unknownIn(exprs)).toEqual([]);
  });

  it('pass promtool check rules and their unit tests (promtool test rules)', () => {
    const check = promtool('check', 'rules', 'alert-rules.yml');
    expect(check.out).toContain('SUCCESS: 6 rules found');
    expect(check.out).not.toMatch(/warning|error/i);
    expect(check.status, check.out).toBe(0);
    const tests = promtool('test', 'rules', 'alert-rules.test.yml');
    expect(tests.status, tests.out).toBe(0);
    expect(tests.out).toContain('SUCCESS');
  });

  it('the example prometheus.yml is a valid configuration', () => {
    const check = promtool('check', 'config', '--syntax-only', 'prometheus.yml');
    expect(check.status, check.out).toBe(0);
  });
});
