'use client';
// The retraining policy: every number editable; errors (ours or the server's) next to their field.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { toast } from 'sonner';
import { Button } from '@/components/ui/button';
import { Card, CardHeader } from '@/components/ui/card';
import { Field, Input } from '@/components/ui/field';
import { api, ApiError } from '@/lib/query/api-client';
import { keys, modelQueries } from '@/lib/query/keys';
import { policySchema, type Policy } from '@/lib/schemas/monitoring';

type NumberField = Exclude<keyof Policy, 'metric'>;
type Values = Record<NumberField, string>;
const FIELDS: NumberField[] = ['tolerance', 'floor', 'min_labeled', 'drift_share', 'consecutive'];

const toValues = (p: Policy): Values => ({
  tolerance: String(p.tolerance),
  floor: p.floor === null ? '' : String(p.floor),
  min_labeled: String(p.min_labeled),
  drift_share: String(p.drift_share),
  consecutive: String(p.consecutive),
});

/** The boxes that do not hold a number; an empty floor means "no floor". */
const notNumbers = (v: Values) => FIELDS.filter((f) => !(f === 'floor' && v.floor.trim() === '') && !Number.isFinite(Number(v[f].trim() || NaN)));

const toPolicy = (metric: Policy['metric'], v: Values) => ({
  metric,
  tolerance: Number(v.tolerance),
  floor: v.floor.trim() === '' ? null : Number(v.floor),
  min_labeled: Number(v.min_labeled),
  drift_share: Number(v.drift_share),
  consecutive: Number(v.consecutive),
});

export function PolicyCard({ name }: { name: string }) {
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
      {data ? <PolicyForm key={JSON.stringify(data.policy)} name={name} policy={data.policy} defaults={data.defaults} /> : null}
    </Card>
  );
}

function PolicyForm({ name, policy, defaults }: { name: string; policy: Policy; defaults: Policy }) {
  const qc = useQueryClient();
  const [values, setValues] = useState<Values>(() => toValues(policy));
  const [errors, setErrors] = useState<Partial<Record<keyof Policy, string>>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const save = useMutation({
    mutationFn: (p: Policy) => api.putPolicy(name, p),
    onSuccess: () => {
      toast.success('Policy saved; the verdict was recomputed');
      // The verdict, the overview's retraining badge and the timeline all depend on the policy.
      void qc.invalidateQueries({ queryKey: keys.models.all });
    },
    onError: (err) => {
      if (err instanceof ApiError) {
        const byField = Object.fromEntries(['metric', ...FIELDS].map((f) => [f, err.forField(f)]).filter(([, m]) => m));
        setErrors(byField);
        setFormError(Object.keys(byField).length ? null : err.message);
      } else setFormError(err.message);
    },
  });

  const regression = policy.metric === 'rmse';
  const dirty = JSON.stringify(values) !== JSON.stringify(toValues(policy));
  const set = (f: NumberField) => (e: { target: { value: string } }) => setValues((v) => ({ ...v, [f]: e.target.value }));

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    setFormError(null);
    const missing = notNumbers(values);
    if (missing.length) {
      setErrors(Object.fromEntries(missing.map((f) => [f, 'enter a number'])));
      return;
    }
    // The same schema the server parses with, so most mistakes are shown before a round trip.
    const parsed = policySchema.safeParse(toPolicy(policy.metric, values));
    if (!parsed.success) {
      setErrors(Object.fromEntries(parsed.error.issues.map((i) => [String(i.path[0]), i.message])));
      return;
    }
    setErrors({});
    save.mutate(parsed.data);
  };

  const field = (f: NumberField, label: string, hint: string, props: { step: string; min?: string; max?: string; placeholder?: string }) => (
    <Field id={`policy-${f}`} label={label} hint={`${hint} Default: ${defaults[f] ?? 'none'}.`} error={errors[f]}>
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
      <p className="text-sm text-slate-600">
        Judged on <strong className="font-semibold text-slate-900">{policy.metric}</strong>
        {errors.metric ? (
          <span role="alert" className="ml-2 text-red-600">
            {errors.metric}
          </span>
        ) : null}
      </p>
      <div className="grid gap-4 @md:grid-cols-2 @4xl:grid-cols-3">
        {field(
          'tolerance',
          'Tolerance',
          regression ? 'Relative rise of RMSE over the baseline (0.1 = ×1.1).' : 'Absolute drop below the baseline (0.05 = 5 points).',
          { step: '0.01', min: '0' },
        )}
        {field('floor', regression ? 'RMSE ceiling' : 'Accuracy floor', 'An absolute limit whatever the baseline; empty for none.', {
          step: '0.01',
          placeholder: 'none',
        })}
        {field('min_labeled', 'Minimum labeled rows per window', 'Windows with fewer outcomes are not judged.', { step: '1', min: '1' })}
        {field('consecutive', 'Consecutive windows', 'How many bad windows in a row flag the model.', { step: '1', min: '1' })}
        {field('drift_share', 'Drift share', 'Dataset drift when at least this share of features drift.', { step: '0.05', min: '0', max: '1' })}
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
          onClick={() => {
            setValues(toValues(defaults));
            setErrors({});
          }}
        >
          Use defaults
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
      </div>
    </form>
  );
}
