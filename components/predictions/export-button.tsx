'use client';
// Download the logged predictions of a view as CSV or Parquet (streamed by the export route).
import { useState } from 'react';
import { Button } from '@/components/ui/button';
import { Select } from '@/components/ui/field';
import { exportUrl } from '@/lib/query/predictions';

/** `days`: the last days up to now, counted from when the button is clicked. */
export function ExportButton({ name, query, days }: { name: string; query: Record<string, string | undefined>; days?: number }) {
  const [format, setFormat] = useState<'csv' | 'parquet'>('csv');
  const [labeled, setLabeled] = useState(false);
  return (
    <div className="flex flex-wrap items-end gap-2" role="group" aria-label="Export predictions">
      <div className="space-y-1">
        <label htmlFor="export-format" className="block text-xs font-medium text-slate-600">
          Export
        </label>
        <Select id="export-format" value={format} onChange={(e) => setFormat(e.target.value as 'csv' | 'parquet')} className="h-9 w-28 py-1.5">
          <option value="csv">CSV</option>
          <option value="parquet">Parquet</option>
        </Select>
      </div>
      <label className="flex h-9 items-center gap-1.5 text-xs text-slate-700">
        <input type="checkbox" checked={labeled} onChange={(e) => setLabeled(e.target.checked)} /> labeled only
      </label>
      <Button
        variant="secondary"
        onClick={() => {
          const from = days === undefined ? query.from : new Date(Date.now() - days * 86_400_000).toISOString();
          // The route answers with Content-Disposition: attachment, so the page stays where it is.
          window.location.assign(exportUrl(name, { ...query, from, ...(labeled ? { labeled: 'true' } : {}) }, format));
        }}
      >
        Download
      </Button>
    </div>
  );
}
