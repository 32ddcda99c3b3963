'use client';
// Sign-in and first-start setup share one form: username, password, the server's field errors.
import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Button } from '@/components/ui/button';
import { Field, Input } from '@/components/ui/field';
import { ApiError } from '@/lib/query/api-client';
import { accessApi } from '@/lib/query/access-client';
import { safeNext } from '@/lib/safe-next';

export function CredentialsForm({ mode, next }: { mode: 'login' | 'setup'; next?: string }) {
  const [error, setError] = useState<ApiError | null>(null);
  const submit = useMutation({
    mutationFn: ({ username, password }: { username: string; password: string }) =>
      mode === 'login' ? accessApi.login(username, password) : accessApi.setup(username, password),
    // A full navigation, so the server renders the next page with the new cookie.
    onSuccess: () => {
      window.location.assign(safeNext(next));
    },
    onError: (err) => setError(err instanceof ApiError ? err : new ApiError(0, 'network', String(err))),
  });

  function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setError(null);
    const f = new FormData(e.currentTarget);
    submit.mutate({ username: String(f.get('username') ?? ''), password: String(f.get('password') ?? '') });
  }

  const general = error && !error.forField('username') && !error.forField('password') ? error.message : null;
  return (
    <form onSubmit={onSubmit} noValidate aria-label={mode === 'login' ? 'Sign in' : 'Create the admin account'} className="space-y-5">
      <Field id="username" label="Username" error={error?.forField('username')} hint={mode === 'setup' ? 'Letters, digits and . _ @ -' : undefined}>
        <Input
          id="username"
          name="username"
          autoComplete="username"
          required
          autoFocus
          defaultValue={mode === 'setup' ? 'admin' : undefined}
          aria-invalid={Boolean(error?.forField('username'))}
        />
      </Field>
      <Field id="password" label="Password" error={error?.forField('password')} hint={mode === 'setup' ? 'At least 10 characters' : undefined}>
        <Input
          id="password"
          name="password"
          type="password"
          autoComplete={mode === 'setup' ? 'new-password' : 'current-password'}
          required
          aria-invalid={Boolean(error?.forField('password'))}
        />
      </Field>
      {general ? (
        <p role="alert" className="text-sm text-red-600">
          {general}
        </p>
      ) : null}
      <Button type="submit" className="w-full" disabled={submit.isPending || submit.isSuccess}>
        {submit.isPending ? (mode === 'login' ? 'Signing in…' : 'Creating…') : mode === 'login' ? 'Sign in' : 'Create account and sign in'}
      </Button>
    </form>
  );
}
