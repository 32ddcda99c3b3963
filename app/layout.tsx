import type { Metadata } from 'next';
import { headers } from 'next/headers';
import Link from 'next/link';
import type { ReactNode } from 'react';
import { UserMenu } from '@/components/access/user-menu';
import { Providers } from '@/components/providers';
import { sessionUser } from '@/lib/server/access/auth';
import './globals.css';

export const metadata: Metadata = {
  title: { default: 'Modeldock', template: '%s · Modeldock' },
  description: 'Model registry, serving and monitoring for ONNX models',
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  // Pages are only rendered for a signed-in admin (the server's page guard); /login and /setup are the exception.
  const user = await sessionUser((await headers()).get('cookie') ?? undefined);
  return (
    <html lang="en">
      <body className="min-h-screen">
        {/* The first stop for the keyboard: past the navigation, straight to the page. */}
        <a
          href="#main"
          className="sr-only focus:not-sr-only focus:fixed focus:left-3 focus:top-3 focus:z-50 focus:rounded-md focus:bg-white focus:px-4 focus:py-2 focus:text-sm focus:font-medium focus:text-slate-900 focus:shadow-lg focus:outline-2 focus:outline-slate-900"
        >
          Skip to content
        </a>
        <Providers>
          <header className="border-b border-slate-200 bg-white">
            <nav aria-label="Main" className="mx-auto flex min-h-14 max-w-6xl flex-wrap items-center gap-x-6 gap-y-2 px-4 py-2 sm:px-6">
              <Link href="/" className="flex items-center gap-2 font-semibold text-slate-900">
                <span aria-hidden className="grid h-7 w-7 place-items-center rounded-md bg-slate-900 text-xs font-bold text-white">
                  md
                </span>
                Modeldock
              </Link>
              {user ? (
                <>
                  <Link href="/" className="hidden text-sm text-slate-600 hover:text-slate-900 sm:inline">
                    Models
                  </Link>
                  <div className="ml-auto flex items-center gap-3 sm:gap-5">
                    <UserMenu username={user.username} />
                    <Link
                      href="/models/new"
                      className="whitespace-nowrap rounded-md bg-slate-900 px-3 py-1.5 text-sm font-medium text-white hover:bg-slate-700"
                    >
                      New model
                    </Link>
                  </div>
                </>
              ) : null}
            </nav>
          </header>
          <main id="main" tabIndex={-1} className="mx-auto max-w-6xl px-4 py-6 focus:outline-none sm:px-6 sm:py-8">
            {children}
          </main>
        </Providers>
      </body>
    </html>
  );
}
