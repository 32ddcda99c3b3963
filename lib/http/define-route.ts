// The route kit: every /api handler parses params, query and body with zod, authenticates in one
// place, calls one lib/server function and serializes; anything thrown becomes problem+json.
import type { z } from 'zod';
import { AppError, formatPath, refuseBadQuery } from '../errors';
import { authenticate, type Actor, type Scope } from '../server/access/auth';
import { fromFetchRequest } from './credentials';
import { readFetchJson } from './json-body';
import { problemResponse } from './problem';

interface Spec<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType> {
  /** `public`: no credentials needed (health, sign-in, first-start setup). */
  scope: Scope | 'public';
  params?: P;
  query?: Q;
  body?: B;
}

interface Ctx<P, Q, B> {
  params: P;
  query: Q;
  body: B;
  actor: Actor;
  req: Request;
}
type RouteContext = { params: Promise<Record<string, string | string[]>> };

function invalid(where: string, error: z.ZodError): AppError {
  const errors = error.issues.map((i) => ({ path: formatPath([where, ...i.path].filter((p) => p !== '')) || 'body', message: i.message }));
  return new AppError('invalid_input', errors.map((e) => `${e.path}: ${e.message}`).join('; '), errors);
}

const PUBLIC: Actor = { name: 'anonymous', kind: 'user', scopes: [] };

export function json(data: unknown, status = 200): Response {
  return Response.json(data, { status });
}

export function defineRoute<P extends z.ZodType = z.ZodUnknown, Q extends z.ZodType = z.ZodUnknown, B extends z.ZodType = z.ZodUnknown>(
  spec: Spec<P, Q, B>,
  handler: (ctx: Ctx<z.output<P>, z.output<Q>, z.output<B>>) => Promise<Response>,
) {
  return async (req: Request, context: RouteContext): Promise<Response> => {
    try {
      const actor = spec.scope === 'public' ? PUBLIC : await authenticate(fromFetchRequest(req), spec.scope);
      const rawParams = (await context?.params) ?? {};
      const params = spec.params ? spec.params.safeParse(rawParams) : { success: true as const, data: rawParams };
      if (!params.success) throw invalid('', params.error);
      const searchParams = Object.fromEntries(new URL(req.url).searchParams);
      refuseBadQuery(searchParams);
      const query = spec.query ? spec.query.safeParse(searchParams) : { success: true as const, data: searchParams };
      if (!query.success) throw invalid('', query.error);
      let body: unknown = undefined;
      if (spec.body) {
        const parsed = spec.body.safeParse(await readFetchJson(req, (text) => text.trim() === '' && spec.body!.safeParse(undefined).success));
        if (!parsed.success) throw invalid('', parsed.error);
        body = parsed.data;
      }
      return await handler({ params: params.data, query: query.data, body, actor, req } as Ctx<z.output<P>, z.output<Q>, z.output<B>>);
    } catch (err) {
      return problemResponse(err);
    }
  };
}
