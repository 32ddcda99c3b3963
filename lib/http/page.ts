// The sign-in check every dashboard render makes for itself, whatever the server's page guard
// decided: a page (or a layout, or an RSC request that re-renders only a page segment) is never
// rendered without a valid session, however the request reached Next.
import { headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { needsSetup } from '../server/access/accounts';
import { sessionUser } from '../server/access/auth';

export async function requireUser(): Promise<{ username: string }> {
  const user = sessionUser((await headers()).get('cookie') ?? undefined);
  if (user) return user;
  redirect(needsSetup() ? '/setup' : '/login');
}
