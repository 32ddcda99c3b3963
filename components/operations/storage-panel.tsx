'use client';
// Settings → Storage: how big the database is, what the prediction log holds and how fast it grows,
// and the retention in force with what the last sweep pruned (GET /api/v1/storage).
import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { Badge } from '@/components/ui/badge';
import { Card, CardHeader } from '@/components/ui/card';
import { formatBytes, formatTime } from '@/lib/format';
import { storageQuery } from '@/lib/query/storage-client';
import type { StorageDto } from '@/lib/schemas/storage';

const count = (n: number) => n.toLocaleString('en-GB');
const days = (d: number | null) => (d === null ? 'forever' : `${d} day${d === 1 ? '' : 's'}`);

function Figures({ data }: { data: StorageDto }) {
  const { database: db, postgresql: pg, log, growth } = data;
  const database: [string, string, string] = pg
    ? [
        'Database',
        formatBytes(pg.database_bytes),
        `PostgreSQL; the prediction log ${formatBytes(pg.log_bytes)} in ${pg.months.length} monthly partition${pg.months.length === 1 ? '' : 's'}`,
      ]
    : ['Database', formatBytes(db!.file_bytes), db!.wal_bytes > 0 ? `+ ${formatBytes(db!.wal_bytes)} write-ahead log` : 'no write-ahead log'];
  const figures: [string, string, string][] = [
    database,
    ['Predictions logged', count(log.predictions), `${count(log.requests)} requests, ${count(log.outcomes)} outcomes`],
    [
      'Growth per day',
      `${count(growth.predictions_per_day)} predictions`,
      growth.bytes_per_day === null ? 'no estimate yet' : `≈ ${formatBytes(growth.bytes_per_day)} a day (last 7 days)`,
    ],
    [
      'Oldest kept',
      log.oldest ? formatTime(log.oldest) : '—',
      log.bytes_per_prediction === null ? '' : `≈ ${formatBytes(log.bytes_per_prediction)} a prediction`,
    ],
  ];
  return (
    <dl className="grid gap-4 text-sm sm:grid-cols-2 lg:grid-cols-4">
      {figures.map(([label, value, hint]) => (
        <div key={label} data-testid={`storage-${label.split(' ')[0].toLowerCase()}`}>
          <dt className="text-slate-500">{label}</dt>
          <dd className="text-lg font-semibold tabular-nums text-slate-900">{value}</dd>
          <dd className="text-xs text-slate-500">{hint}</dd>
        </div>
      ))}
    </dl>
  );
}

function Retention({ data }: { data: StorageDto }) {
  const r = data.retention;
  const last = r.last_prune;
  const free = data.database ? data.database.free_pages * data.database.page_size : 0;
  return (
    <div className="space-y-3 text-sm" data-testid="storage-retention">
      <p>
        <span className="text-slate-500">Retention:</span>{' '}
        <span className="font-medium text-slate-900">{r.days === null ? 'raw predictions are kept forever' : `raw predictions are kept ${days(r.days)}`}</span>
        {r.days === null ? (
          <>
            {' '}
            (set <code>RETENTION_DAYS</code>, or <em>Keep raw predictions</em> in a model&apos;s policy)
          </>
        ) : null}
        . Hourly rollups are kept whatever the retention, so charts and verdicts never change.
      </p>
      {r.models.length > 0 ? (
        <ul className="flex flex-wrap gap-2" aria-label="Retention per model">
          {r.models.map((m) => (
            <li key={m.model}>
              <Link href={`/models/${encodeURIComponent(m.model)}/monitoring`} className="hover:underline">
                <Badge tone={m.source === 'policy' ? 'blue' : 'neutral'}>
                  {m.model}: {days(m.days)}
                  {m.source === 'policy' ? ' (policy)' : ''}
                </Badge>
              </Link>
            </li>
          ))}
        </ul>
      ) : null}
      <p data-testid="storage-last-prune">
        <span className="text-slate-500">Last prune:</span>{' '}
        {last
          ? `${formatTime(last.at)}: ${count(last.rows)} predictions (${count(last.requests)} requests) in ${(last.ms / 1000).toFixed(1)} s, ${formatBytes(last.freed_bytes)} returned to the disk`
          : 'nothing pruned yet'}
        {last && data.postgresql ? ' (whole months dropped count in the bytes, not in the predictions)' : ''}
      </p>
      {data.postgresql ? (
        <Months months={data.postgresql.months} />
      ) : data.database && data.database.auto_vacuum !== 'incremental' ? (
        <p className="rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-amber-900">
          This database predates incremental auto-vacuum: pruned space is reused but the file does not shrink. It is converted at the next start once a
          retention is configured.
        </p>
      ) : free > 0 ? (
        <p className="text-slate-500">{formatBytes(free)} free inside the file, returned to the disk by the next sweep.</p>
      ) : null}
    </div>
  );
}

/** The log's monthly partitions on PostgreSQL, as bars: retention drops a month once all of it is past every model's retention. */
function Months({ months }: { months: { month: string; bytes: number }[] }) {
  const max = Math.max(1, ...months.map((m) => m.bytes));
  return (
    <figure className="space-y-2" data-testid="storage-months">
      <figcaption className="text-slate-500">Prediction log by month (a month is dropped whole once it is past every model&apos;s retention)</figcaption>
      <ul className="space-y-1">
        {months.map((m) => (
          <li key={m.month} className="grid grid-cols-[4.5rem_1fr_5.5rem] items-center gap-2 text-xs">
            <span className="tabular-nums text-slate-700">{m.month}</span>
            <span className="h-3 rounded bg-slate-100" aria-hidden="true">
              <span className="block h-3 rounded bg-blue-500" style={{ width: `${Math.max(1, (100 * m.bytes) / max)}%` }} />
            </span>
            <span className="text-right tabular-nums text-slate-700">{formatBytes(m.bytes)}</span>
          </li>
        ))}
      </ul>
    </figure>
  );
}

export function StoragePanel() {
  const q = useQuery(storageQuery());
  return (
    <Card aria-labelledby="storage-title">
      <CardHeader
        title={<span id="storage-title">Storage</span>}
        description={`The ${q.data?.engine === 'postgresql' ? 'PostgreSQL' : 'SQLite'} database: its size, the prediction log and how fast it grows, and how long raw predictions are kept.`}
      />
      <div className="space-y-5 p-5">
        {q.isError ? (
          <p role="alert" className="text-sm text-red-600">
            {q.error.message}
          </p>
        ) : null}
        {q.data ? (
          <>
            <Figures data={q.data} />
            <Retention data={q.data} />
          </>
        ) : q.isPending ? (
          <p className="text-sm text-slate-500">Loading…</p>
        ) : null}
      </div>
    </Card>
  );
}
