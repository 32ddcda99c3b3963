'use client';
// Upload outcomes as CSV (columns prediction_id or id, actual, optional ts): parsed in the browser,
// sent in chunks with a progress bar, then a summary of accepted, updated, unknown and invalid rows.
import { useQueryClient } from '@tanstack/react-query';
import { useState, type ChangeEvent } from 'react';
import { toast } from 'sonner';
import { Progress } from '@/components/ui/progress';
import { api } from '@/lib/query/api-client';
import { keys } from '@/lib/query/keys';
import { outcomesFromCsv } from '@/components/models/outcomes-csv';

const CHUNK = 2_000;

interface Summary {
  rows: number;
  accepted: number;
  updated: number;
  unknown: number;
  invalid: { line: number; message: string }[];
}

export function OutcomesUpload({ name, regression }: { name: string; regression: boolean }) {
  const qc = useQueryClient();
  const [progress, setProgress] = useState<number | null>(null);
  const [summary, setSummary] = useState<Summary | null>(null);
  const [error, setError] = useState<string | null>(null);

  async function onFile(e: ChangeEvent<HTMLInputElement>) {
    const file = e.target.files?.[0];
    e.target.value = '';
    if (!file) return;
    setError(null);
    setSummary(null);
    let outcomes: Record<string, unknown>[];
    try {
      outcomes = outcomesFromCsv(await file.text(), name, regression);
    } catch (err) {
      setError((err as Error).message);
      return;
    }
    const s: Summary = { rows: outcomes.length, accepted: 0, updated: 0, unknown: 0, invalid: [] };
    setProgress(0);
    try {
      for (let i = 0; i < outcomes.length; i += CHUNK) {
        const r = await api.postOutcomes(outcomes.slice(i, i + CHUNK));
        s.accepted += r.accepted;
        s.updated += r.updated;
        s.unknown += r.unknown.length;
        s.invalid.push(...r.invalid.map((v) => ({ line: i + v.index + 2, message: v.message })));
        setProgress(Math.min(1, (i + CHUNK) / outcomes.length));
      }
      setSummary(s);
      qc.invalidateQueries({ queryKey: keys.models.all });
    } catch (err) {
      toast.error((err as Error).message);
      setSummary(s);
    } finally {
      setProgress(null);
    }
  }

  return (
    <div className="space-y-3 p-5">
      <label
        className="inline-flex cursor-pointer items-center gap-2 rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium hover:bg-slate-50 has-[:focus-visible]:outline-2 has-[:focus-visible]:outline-offset-2 has-[:focus-visible]:outline-slate-900"
        data-testid="outcomes-picker"
      >
        Upload outcomes (CSV)
        <input type="file" accept=".csv,text/csv" className="sr-only" aria-label="Outcomes CSV" onChange={onFile} disabled={progress !== null} />
      </label>
      <p className="text-xs text-slate-500">
        Columns, found by their header names: <code>prediction_id</code> (or <code>id</code>, the id you sent with the prediction), <code>actual</code>,
        optional <code>ts</code>. A class <code>actual</code> may be the label, the graph’s class value (e.g. 0/1) or, for a binary model, true/false.
      </p>
      {progress !== null ? <Progress value={progress} label="Sending outcomes" /> : null}
      {error ? (
        <p role="alert" className="text-sm text-red-600">
          {error}
        </p>
      ) : null}
      {summary ? (
        <div data-testid="outcomes-summary" className="rounded-md bg-slate-50 p-3 text-sm">
          <p>
            {summary.rows} rows: <strong>{summary.accepted}</strong> accepted, <strong>{summary.updated}</strong> updated, <strong>{summary.unknown}</strong>{' '}
            unknown, <strong>{summary.invalid.length}</strong> invalid.
          </p>
          {summary.invalid.length > 0 ? (
            <ul className="mt-1 list-disc pl-5 text-xs text-red-700">
              {summary.invalid.slice(0, 5).map((v) => (
                <li key={v.line}>
                  line {v.line}: {v.message}
                </li>
              ))}
            </ul>
          ) : null}
        </div>
      ) : null}
    </div>
  );
}
