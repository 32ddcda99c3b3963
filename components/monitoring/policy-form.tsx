'use client';
// The retraining policy: the judged metric (any the windows compute), the verdict's own windows,
// every number editable; errors (ours or the server's) next to their field. "Use defaults" saves
// the defaults at once; any other change shows as unsaved until saved or discarded.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { toast } from 'sonner';
import { Button } from '@/components/ui/button';
import { Card, CardHeader } from '@/components/ui/card';
import { Field, Input, Select } from '@/components/ui/field';
import { api, ApiError } from '@/lib/query/api-client';
import { keys, modelQueries } from '@/lib/query/keys';
import { metricInfo, metricLabel, metricsFor } from '@/lib/metrics/catalog';
import { AUTO_LOOKBACK, policySchema, type Policy } from '@/lib/schemas/monitoring';

type NumberField = 'tolerance' | 'floor' | 'min_labeled' | 'drift_share' | 'consecutive' | 'lookback' | 'quality_threshold' | 'retention_days';
type Values = Record<NumberField, string> & { metric: string; bucket: 'day' | 'hour' };
const NUMBERS: NumberField[] = ['tolerance', 'floor', 'min_labeled', 'drift_share', 'consecutive', 'lookback', 'quality_threshold', 'retention_days'];
/** Empty means none (floor, quality threshold), automatic (lookback) or the server's RETENTION_DAYS (retention). */
const OPTIONAL: NumberField[] = ['floor', 'lookback', 'quality_threshold', 'retention_days'];
const EMPTY_MEANS: Partial<Record<NumberField, string>> = { lookback: 'automatic', retention_days: 'the server setting' };

const toValues = (p: Policy): Values => ({
  metric: p.metric,
  bucket: p.bucket,
  tolerance: String(p.tolerance),
  floor: p.floor === null ? '' : String(p.floor),
  min_labeled: String(p.min_labeled),
  drift_share: String(p.drift_share),
  consecutive: String(p.consecutive),
  lookback: p.lookback === null ? '' : String(p.lookback),
  quality_threshold: p.quality_threshold === null ? '' : String(p.quality_threshold),
  retention_days: p.retention_days === null ? '' : String(p.retention_days),
});

/** The boxes that do not hold a number. */
const notNumbers = (v: Values) => NUMBERS.filter((f) => !(OPTIONAL.includes(f) && v[f].trim() === '') && !Number.isFinite(Number(v[f].trim() || NaN)));

const toPolicy = (v: Values) => ({
  metric: v.metric,
  tolerance: Number(v.tolerance),
  floor: v.floor.trim() === '' ? null : Number(v.floor),
  min_labeled: Number(v.min_labeled),
  drift_share: Number(v.drift_share),
  consecutive: Number(v.consecutive),
  bucket: v.bucket,
  lookback: v.lookback.trim() === '' ? null : Number(v.lookback),
  quality_threshold: v.quality_threshold.trim() === '' ? null : Number(v.quality_threshold),
  retention_days: v.retention_days.trim() === '' ? null : Number(v.retention_days),
});

export function PolicyCard({ name, task, classes }: { name: string; task: string; classes: string[] }) {
  const { data, error } = useQuery(modelQueries.policy(name));
  return (
    <Card>
      <CardHeader
        title="Retraining policy"
        description={
          data
            ? data.custom
              ? 'Edited for this model. Every save is recorded in the timeline.'
              : 'The defaults. Every save is recorded in the timeline.'
            : undefined
        }
      />
      {error ? (
        <p role="alert" className="p-5 text-sm text-red-600">
          Could not load the policy: {error.message}
        </p>
      ) : null}
      {/* Keyed by the saved policy, so a save (or another tab's) resets the form to what the server holds. */}
      {data ? (
        <PolicyForm key={JSON.stringify(data)} name={name} task={task} classes={classes} policy={data.policy} defaults={data.defaults} custom={data.custom} />
      ) : null}
    </Card>
  );
}

function PolicyForm({
  name,
  task,
  classes,
  policy,
  defaults,
  custom,
}: {
  name: string;
  task: string;
  classes: string[];
  policy: Policy;
  defaults: Policy;
  custom: boolean;
}) {
  const qc = useQueryClient();
  const [values, setValues] = useState<Values>(() => toValues(policy));
  const [errors, setErrors] = useState<Partial<Record<keyof Policy, string>>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const onError = (err: Error) => {
    if (err instanceof ApiError) {
      const byField = Object.fromEntries(['metric', 'bucket', ...NUMBERS].map((f) => [f, err.forField(f)]).filter(([, m]) => m));
      setErrors(byField);
      setFormError(Object.keys(byField).length ? null : err.message);
    } else setFormError(err.message);
  };
  // The verdict, the overview's badge and the timeline all depend on the policy.
  const refresh = () => qc.invalidateQueries({ queryKey: keys.models.all });
  const save = useMutation({
    mutationFn: (p: Policy) => api.putPolicy(name, p),
    onSuccess: () => {
      toast.success('Policy saved; the verdict was recomputed');
      void refresh();
    },
    onError,
  });
  const reset = useMutation({
    mutationFn: () => api.resetPolicy(name),
    onSuccess: () => {
      toast.success('Policy reset to the defaults; the verdict was recomputed');
      void refresh();
    },
    onError,
  });

  const info = metricInfo(values.metric);
  const relative = info?.tolerance === 'relative';
  const lower = info?.direction === 'lower';
  const dirty = JSON.stringify(values) !== JSON.stringify(toValues(policy));
  const atDefaults = !custom && !dirty;
  const set = (f: keyof Values) => (e: { target: { value: string } }) => setValues((v) => ({ ...v, [f]: e.target.value }));
  const metricChoices = [...new Set([...metricsFor(task, classes), policy.metric])];

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    setFormError(null);
    const missing = notNumbers(values);
    if (missing.length) {
      setErrors(Object.fromEntries(missing.map((f) => [f, 'enter a number'])));
      return;
    }
    // The same schema the server parses with, so most mistakes are shown before a round trip.
    const parsed = policySchema.safeParse(toPolicy(values));
    if (!parsed.success) {
      setErrors(Object.fromEntries(parsed.error.issues.map((i) => [String(i.path[0]), i.message])));
      return;
    }
    setErrors({});
    save.mutate(parsed.data);
  };

  const field = (f: NumberField, label: string, hint: string, props: { step: string; min?: string; max?: string; placeholder?: string }) => (
    <Field id={`policy-${f}`} label={label} hint={`${hint} Default: ${defaults[f] ?? EMPTY_MEANS[f] ?? 'none'}.`} error={errors[f]}>
      <Input
        id={`policy-${f}`}
        name={f}
        type="number"
        inputMode="decimal"
        value={values[f]}
        onChange={set(f)}
        aria-invalid={errors[f] ? true : undefined}
        aria-describedby={errors[f] ? `policy-${f}-error` : undefined}
        {...props}
      />
    </Field>
  );

  return (
    <form aria-label="Retraining policy" onSubmit={onSubmit} noValidate className="@container space-y-4 p-5">
      <div className="grid gap-4 @md:grid-cols-2 @4xl:grid-cols-3">
        <Field
          id="policy-metric"
          label="Judged metric"
          hint={`${lower ? 'Lower is better' : 'Higher is better'}; baseline: the offline metric of the same name given at upload, else the first labeled window. Default: ${metricLabel(defaults.metric)}.`}
          error={errors.metric}
        >
          <Select id="policy-metric" name="metric" value={values.metric} onChange={set('metric')} aria-invalid={errors.metric ? true : undefined}>
            {metricChoices.map((m) => (
              <option key={m} value={m}>
                {metricLabel(m)}
              </option>
            ))}
          </Select>
        </Field>
        {field(
          'tolerance',
          'Tolerance',
          relative
            ? `Relative ${lower ? 'rise' : 'drop'} from the baseline (0.1 = ×${lower ? '1.1' : '0.9'}).`
            : `Absolute ${lower ? 'rise above' : 'drop below'} the baseline (0.05 = 5 points).`,
          { step: '0.01', min: '0' },
        )}
        {field(
          'floor',
          lower ? `${metricLabel(values.metric)} ceiling` : `${metricLabel(values.metric)} floor`,
          'An absolute limit whatever the baseline; empty for none.',
          { step: '0.01', placeholder: 'none' },
        )}
        {field('min_labeled', 'Minimum labeled rows per window', 'Windows with fewer outcomes are not judged.', { step: '1', min: '1' })}
        {field('consecutive', 'Consecutive windows', 'How many bad windows in a row flag the model.', { step: '1', min: '1' })}
        {field('drift_share', 'Drift share', 'Dataset drift when at least this share of features drift.', { step: '0.05', min: '0', max: '1' })}
        <Field
          id="policy-bucket"
          label="Verdict window"
          hint="The verdict is judged on these windows, whatever window a chart shows. Default: day."
          error={errors.bucket}
        >
          <Select id="policy-bucket" name="bucket" value={values.bucket} onChange={set('bucket')}>
            <option value="day">Day</option>
            <option value="hour">Hour</option>
          </Select>
        </Field>
        {field(
          'lookback',
          'Lookback (windows)',
          `How many windows back the verdict reads; empty: automatic (${AUTO_LOOKBACK}, or 4 × consecutive when more).`,
          { step: '1', min: '1', placeholder: 'automatic' },
        )}
        {field(
          'quality_threshold',
          'Data quality threshold',
          'A feature whose share of missing, out-of-range or unseen values passes this in the latest window is a watch reason (0.05 = 5 %); empty: off.',
          { step: '0.01', min: '0', max: '1', placeholder: 'off' },
        )}
        {field(
          'retention_days',
          'Keep raw predictions (days)',
          'Older logged predictions are deleted; hourly rollups, charts and the verdict are kept. Empty: the server setting (RETENTION_DAYS, else forever).',
          { step: '1', min: '1', placeholder: 'server setting' },
        )}
      </div>
      {formError ? (
        <p role="alert" className="text-sm text-red-600">
          {formError}
        </p>
      ) : null}
      <div className="flex flex-wrap items-center gap-2">
        <Button type="submit" disabled={save.isPending || !dirty}>
          {save.isPending ? 'Saving…' : 'Save policy'}
        </Button>
        <Button
          type="button"
          variant="ghost"
          disabled={reset.isPending || atDefaults}
          title={atDefaults ? 'The defaults are in force' : 'Save the defaults now'}
          onClick={() => {
            setErrors({});
            reset.mutate();
          }}
        >
          {reset.isPending ? 'Resetting…' : 'Use defaults'}
        </Button>
        {dirty ? (
          <Button
            type="button"
            variant="ghost"
            onClick={() => {
              setValues(toValues(policy));
              setErrors({});
            }}
          >
            Discard changes
          </Button>
        ) : null}
        <span role="status" className="text-sm text-amber-700" data-testid="policy-unsaved">
          {dirty ? 'Unsaved changes' : ''}
        </span>
      </div>
    </form>
  );
}
