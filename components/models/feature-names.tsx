'use client';
// A version's feature names: whether they are known (and so whether named rows are accepted), where
// they came from, and a form to set, change or clear them (PATCH the version; an audited edit).
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { toast } from 'sonner';
import { Button } from '@/components/ui/button';
import { Field, Textarea } from '@/components/ui/field';
import { ApiError, api } from '@/lib/query/api-client';
import { keys } from '@/lib/query/keys';
import type { VersionDto } from '@/lib/schemas/registry';

const parseNames = (text: string) =>
  text
    .split(/[,\n]/)
    .map((s) => s.trim())
    .filter(Boolean);
const sameList = (a: string[] | null | undefined, b: string[] | null | undefined) => !!a && !!b && a.length === b.length && a.every((x, i) => x === b[i]);

/** What a request may name: the one [N, F] input's width, or null when names do not apply. */
function namedInput(v: VersionDto): { name: string; width: number | null } | null {
  const inputs = v.signature.inputs.filter((i) => i.is_tensor);
  if (inputs.length !== 1) return null;
  const shape = inputs[0].shape;
  if (shape && shape.length > 2) return null;
  const width = shape?.length === 1 ? 1 : typeof shape?.[1] === 'number' ? shape[1] : null;
  return { name: inputs[0].name, width };
}

export function FeatureNames({ name, version: v }: { name: string; version: VersionDto }) {
  const qc = useQueryClient();
  const input = namedInput(v);
  const [editing, setEditing] = useState(false);
  const [text, setText] = useState((v.feature_names ?? []).join(', '));
  const [error, setError] = useState<string>();
  const save = useMutation({
    mutationFn: (names: string[] | null) => api.updateVersion(name, v.number, { feature_names: names }),
    onSuccess: (r) => {
      qc.invalidateQueries({ queryKey: keys.models.detail(name) });
      qc.invalidateQueries({ queryKey: keys.models.events(name) });
      setEditing(false);
      setError(undefined);
      toast.success(r.version.feature_names ? `Feature names of v${v.number} saved` : `Feature names of v${v.number} cleared`);
    },
    onError: (err) => {
      const field = err instanceof ApiError ? err.forField('feature_names') : undefined;
      if (field) setError(field);
      else {
        setError(undefined);
        toast.error(err.message);
      }
    },
  });

  if (!input) {
    const inputs = v.signature.inputs.filter((i) => i.is_tensor).map((i) => i.name);
    return (
      <p className="px-5 py-3 text-xs text-slate-600" data-testid="feature-names">
        {inputs.length > 1 ? (
          <>
            Named columns map to the model&apos;s inputs by their names: <span className="font-mono">{inputs.join(', ')}</span>.
          </>
        ) : (
          <>
            This model takes whole tensors (<span className="font-mono">{'{"inputs": {…}}'}</span>); rows with named columns are refused.
          </>
        )}
      </p>
    );
  }

  const header = v.reference?.columns ?? null;
  // The header is offered when it fits the input and is not already the names.
  const offered = header !== null && (input.width === null || header.length === input.width) && !sameList(header, v.feature_names) ? header : null;
  const names = parseNames(text);
  function onSubmit(e: FormEvent) {
    e.preventDefault();
    save.mutate(names);
  }

  return (
    <div className="space-y-3 border-t border-slate-100 px-5 py-3 text-xs text-slate-600" data-testid="feature-names">
      {v.feature_names ? (
        <p>
          Feature names{sameList(v.feature_names, header) ? ' (the reference sample\u2019s header)' : ''}:{' '}
          <span className="font-mono" data-testid="feature-names-list">
            {v.feature_names.join(', ')}
          </span>
          . Named rows and columns map to input <span className="font-mono">{input.name}</span> by these names; unknown or missing names are refused.
        </p>
      ) : (
        <p>
          <strong className="text-slate-800">Feature names not declared.</strong> Rows with named columns (objects,{' '}
          <span className="font-mono">dataframe_records</span>, <span className="font-mono">dataframe_split</span> with columns) are refused, since nothing says
          which column of input <span className="font-mono">{input.name}</span> a name is. Send rows as arrays in the input&apos;s order, or declare the names
          here.
        </p>
      )}
      {editing ? (
        <form onSubmit={onSubmit} aria-label="Feature names" className="space-y-2">
          <Field
            id={`features-${v.number}`}
            label="Feature names"
            error={error}
            hint={`Comma-separated, in the input's column order${input.width !== null ? ` (${input.width} names; ${names.length} given)` : ''}`}
          >
            <Textarea
              id={`features-${v.number}`}
              value={text}
              onChange={(e) => setText(e.target.value)}
              aria-invalid={error ? true : undefined}
              className="font-mono text-xs"
            />
          </Field>
          <div className="flex flex-wrap gap-2">
            <Button type="submit" size="sm" disabled={save.isPending || names.length === 0}>
              Save feature names
            </Button>
            {offered ? (
              <Button type="button" size="sm" variant="secondary" onClick={() => setText(offered.join(', '))}>
                Use the reference sample&apos;s header
              </Button>
            ) : null}
            {v.feature_names ? (
              <Button type="button" size="sm" variant="secondary" disabled={save.isPending} onClick={() => save.mutate(null)}>
                Clear
              </Button>
            ) : null}
            <Button
              type="button"
              size="sm"
              variant="ghost"
              onClick={() => {
                setEditing(false);
                setError(undefined);
              }}
            >
              Cancel
            </Button>
          </div>
        </form>
      ) : (
        <Button
          type="button"
          size="sm"
          variant="secondary"
          onClick={() => {
            setText((v.feature_names ?? []).join(', '));
            setEditing(true);
          }}
        >
          {v.feature_names ? 'Edit feature names' : 'Set feature names'}
        </Button>
      )}
    </div>
  );
}
