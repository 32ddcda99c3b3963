'use client';
// The model's production endpoint, what clients call: unqualified predictions are served by
// whatever version `production` points at, so it stays the same URL across promotions.
import Link from 'next/link';
import { CopyButton } from '@/components/ui/copy-button';

export function ProductionEndpoint({ name, origin, production }: { name: string; origin: string; production: number | undefined }) {
  const url = `${origin}/api/v1/models/${encodeURIComponent(name)}/predict`;
  return (
    <section aria-label="Production endpoint" className="rounded-lg border border-slate-200 bg-white px-5 py-4 shadow-sm">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <div className="min-w-0">
          <h2 className="text-sm font-semibold text-slate-900">Production endpoint</h2>
          <p className="mt-1 break-all font-mono text-xs text-slate-800" data-testid="production-endpoint">
            POST {url}
          </p>
          <p className="mt-1 text-xs text-slate-500">
            {production !== undefined ? (
              <>
                Served by v{production}, and by whichever version is promoted next. Request bodies:{' '}
                <Link className="underline" href={`/models/${encodeURIComponent(name)}/versions/${production}`}>
                  examples on v{production}’s page
                </Link>
                .
              </>
            ) : (
              'Answers 404 until a version is promoted to production.'
            )}
          </p>
        </div>
        <CopyButton text={url} label="Copy endpoint" />
      </div>
    </section>
  );
}
