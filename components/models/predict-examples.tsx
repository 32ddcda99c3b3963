'use client';
// "Predict with this version": curl, Python and V2 examples generated from the signature (each a
// dry run, so trying the model is not logged), with a copy button.
import { useState } from 'react';
import { Card, CardHeader } from '@/components/ui/card';
import { CopyButton } from '@/components/ui/copy-button';
import { Segmented } from '@/components/ui/segmented';
import { predictExamples } from '@/lib/predict-examples';
import type { VersionDto } from '@/lib/schemas/registry';

const KINDS = [
  { value: 'curl', label: 'curl' },
  { value: 'python', label: 'Python' },
  { value: 'v2', label: 'V2 (curl)' },
] as const;
type Kind = (typeof KINDS)[number]['value'];

const NOTES: Record<Kind, string> = {
  curl: 'MLflow scoring format (dataframe_split, dataframe_records, instances and inputs are all accepted).',
  python: 'With the requests package (pip install requests).',
  v2: 'Open Inference Protocol V2, as KServe and Triton clients send it.',
};

export function PredictExamples({ name, version, origin }: { name: string; version: VersionDto; origin: string }) {
  const [kind, setKind] = useState<Kind>('curl');
  const examples = predictExamples({ origin, model: name, version: version.number, signature: version.signature, featureNames: version.feature_names });
  const text = examples[kind];
  return (
    <Card>
      <CardHeader
        title="Predict with this version"
        description={
          <>
            MODELDOCK_KEY is an API key with the predict scope (Settings). The examples send <code className="font-mono text-xs">dry_run</code>: answered, not
            logged — leave it out for real traffic.
          </>
        }
      />
      <div className="flex flex-wrap items-end justify-between gap-3 px-5 pt-4">
        <Segmented label="Example" value={kind} options={KINDS.map((k) => ({ value: k.value, label: k.label }))} onChange={(v) => setKind(v as Kind)} />
        <CopyButton key={kind} text={text} label={`Copy ${KINDS.find((k) => k.value === kind)!.label} example`} />
      </div>
      <p className="px-5 pt-2 text-xs text-slate-500">{NOTES[kind]}</p>
      <pre className="mt-3 overflow-x-auto rounded-b-lg bg-slate-900 p-5 text-xs text-slate-100" data-testid={`${kind}-example`}>
        {text}
      </pre>
    </Card>
  );
}
