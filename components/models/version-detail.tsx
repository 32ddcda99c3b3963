'use client';
// One version: signature and feature names, metrics, lineage, download, and how to call it.
import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { Badge } from '@/components/ui/badge';
import { Card, CardHeader } from '@/components/ui/card';
import { FeatureNames } from '@/components/models/feature-names';
import { PredictExamples } from '@/components/models/predict-examples';
import { formatBytes, formatShape, formatTime } from '@/lib/format';
import { modelQueries } from '@/lib/query/keys';
import type { TensorSpecDto } from '@/lib/schemas/registry';

function SignatureTable({ title, specs }: { title: string; specs: TensorSpecDto[] }) {
  return (
    <table className="w-full table-fixed text-sm" aria-label={title}>
      <thead className="bg-slate-50 text-left text-xs uppercase tracking-wide text-slate-500">
        <tr>
          <th className="px-4 py-2 font-medium">{title}</th>
          <th className="px-4 py-2 font-medium">Type</th>
          <th className="px-4 py-2 font-medium">Shape</th>
        </tr>
      </thead>
      <tbody className="divide-y divide-slate-100 font-mono text-xs">
        {specs.map((s) => (
          <tr key={s.name}>
            <td className="px-4 py-2 text-slate-900">{s.name}</td>
            <td className="px-4 py-2">
              {s.is_tensor ? s.dtype : <span title="onnxruntime-node cannot return this output; it is skipped when serving">sequence/map (not served)</span>}
            </td>
            <td className="px-4 py-2">{formatShape(s.shape)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Row({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div className="grid grid-cols-3 gap-4 px-5 py-2.5 text-sm">
      <dt className="text-slate-500">{label}</dt>
      <dd className="col-span-2 break-words text-slate-900">{children}</dd>
    </div>
  );
}

export function VersionDetail({ name, number, origin }: { name: string; number: number; origin: string }) {
  const { data } = useQuery(modelQueries.detail(name));
  const v = data?.versions.find((x) => x.number === number);
  if (!data || !v) return null;
  const base = `/api/v1/models/${encodeURIComponent(name)}/versions/${v.number}`;
  return (
    <div className="space-y-6">
      <div>
        <Link href={`/models/${encodeURIComponent(name)}`} className="text-sm text-slate-500 hover:text-slate-900">
          ← {name}
        </Link>
        <div className="mt-1 flex items-center gap-3">
          <h1 className="text-2xl font-semibold tracking-tight">
            {name} v{v.number}
          </h1>
          {v.aliases.map((a) => (
            <Badge key={a} tone={a === 'production' ? 'green' : 'blue'}>
              {a}
            </Badge>
          ))}
          {v.archived ? <Badge>archived</Badge> : null}
        </div>
        {v.description ? <p className="mt-2 text-sm text-slate-700">{v.description}</p> : null}
      </div>

      <div className="grid gap-6 lg:grid-cols-2">
        <Card>
          <CardHeader
            title="Signature"
            description={`ONNX IR ${v.signature.ir_version} · opsets ${v.signature.opsets.map((o) => `${o.domain || 'ai.onnx'} ${o.version}`).join(', ')}`}
          />
          <SignatureTable title="Inputs" specs={v.signature.inputs} />
          <SignatureTable title="Outputs" specs={v.signature.outputs} />
          <FeatureNames name={name} version={v} />
        </Card>
        <Card>
          <CardHeader title="Details" />
          <dl className="divide-y divide-slate-100">
            <Row label="Uploaded">
              {formatTime(v.created_at)} by {v.created_by}
            </Row>
            <Row label="Size">{formatBytes(v.size_bytes)}</Row>
            <Row label="SHA-256">
              <span className="font-mono text-xs">{v.sha256}</span>
            </Row>
            <Row label="Producer">{v.signature.producer || '—'}</Row>
            <Row label="Source / lineage">{v.source || '—'}</Row>
            <Row label="Offline metrics">
              {Object.keys(v.metrics).length > 0
                ? Object.entries(v.metrics).map(([k, val]) => (
                    <div key={k}>
                      <span className="text-slate-500">{k}</span> {val}
                    </div>
                  ))
                : '—'}
            </Row>
            <Row label="Reference sample">{v.reference ? `${v.reference.rows} rows × ${v.reference.columns.length} columns (${v.reference.format})` : '—'}</Row>
            <Row label="Artifact">
              <a href={`${base}/artifact`} className="font-medium underline" download>
                Download .onnx
              </a>
            </Row>
          </dl>
        </Card>
      </div>

      <PredictExamples name={name} version={v} origin={origin} />
    </div>
  );
}
