// The prologue of every dashboard page, in one place: the sign-in check each render makes for
// itself whatever the server's page guard decided (a page, a layout, or an RSC request that
// re-renders only a page segment is never rendered without a valid session), the route's name
// parameter as the page should use it, and prefetching under the client's query keys, where a
// model or version that does not exist (or a malformed name) is the not-found page.
import { dehydrate, type DehydratedState, type QueryClient } from '@tanstack/react-query';
import { headers } from 'next/headers';
import { notFound, redirect } from 'next/navigation';
import { AppError } from '../errors';
import { serverQueryClient } from '../query/server-prefetch';
import { routeParam } from '../route-param';
import { needsSetup } from '../server/access/accounts';
import { sessionUser } from '../server/access/auth';

export async function requireUser(): Promise<{ username: string }> {
  const user = await sessionUser((await headers()).get('cookie') ?? undefined);
  if (user) return user;
  redirect((await needsSetup()) ? '/setup' : '/login');
}

/** The origin the browser used (behind a proxy: its forwarded host and protocol), for the copy-pasteable endpoints and examples pages show. */
export async function requestOrigin(): Promise<string> {
  const h = await headers();
  const host = h.get('x-forwarded-host') ?? h.get('host') ?? 'localhost:3000';
  const proto = h.get('x-forwarded-proto') ?? 'http';
  return `${proto}://${host}`;
}

/** A page's `params`, with `name` as the page uses it (see lib/route-param). */
export async function pageParams<P extends { name: string }>(params: Promise<P>): Promise<P> {
  const p = await params;
  return { ...p, name: routeParam(p.name) };
}

/**
 * Checks the session, then runs `prefetch` with a fresh query client: returns the client's state
 * for <HydrationBoundary> and what `prefetch` returned. A not_found or invalid_input from
 * lib/server shows the not-found page.
 */
export async function prefetchPage<T = void>(prefetch: (qc: QueryClient) => Promise<T>): Promise<{ state: DehydratedState; value: T }> {
  await requireUser();
  const qc = serverQueryClient();
  let value: T;
  try {
    value = await prefetch(qc);
  } catch (err) {
    if (AppError.is(err) && (err.code === 'not_found' || err.code === 'invalid_input')) notFound();
    throw err;
  }
  return { state: dehydrate(qc), value };
}
