'use client';
// The signed-in user's corner of the header: settings and sign out.
import { useMutation } from '@tanstack/react-query';
import Link from 'next/link';
import { toast } from 'sonner';
import { accessApi } from '@/lib/query/access-client';

export function UserMenu({ username }: { username: string }) {
  const logout = useMutation({
    mutationFn: accessApi.logout,
    // A full navigation: the server renders the sign-in page without the cleared session.
    // eslint-disable-next-line @next/next/no-location-assign-relative-destination
    onSuccess: () => window.location.assign('/login'),
    onError: (err) => toast.error(err.message),
  });
  return (
    <div className="flex items-center gap-3 text-sm">
      <Link href="/settings" className="text-slate-600 hover:text-slate-900">
        Settings
      </Link>
      <span className="text-slate-400" aria-hidden>
        |
      </span>
      <span className="text-slate-700" title="Signed in">
        {username}
      </span>
      <button
        type="button"
        onClick={() => logout.mutate()}
        disabled={logout.isPending}
        className="text-slate-600 underline-offset-2 hover:text-slate-900 hover:underline disabled:text-slate-400"
      >
        Sign out
      </button>
    </div>
  );
}
