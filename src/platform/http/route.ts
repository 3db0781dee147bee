/**
 * The one way to declare a non-tRPC endpoint: params/query schemas, an auth mode, an
 * optional scope, then a handler that receives validated, authorised values (and, for
 * tenant routes, the RLS transaction).
 */
import type { Context as HonoContext, Hono } from 'hono';
import type { z } from 'zod';
import type { Scope } from '../access/scopes.js';
import { runInTenant, type TenantAccess } from '../access/tenant-access.js';
import type { AppDeps } from '../deps.js';
import { NyxError, zodFieldErrors } from '../errors.js';
import { assertStorableText } from '../input-text.js';
import type { HttpVars } from './vars.js';

type Auth = 'none' | 'tenant';

interface RouteDef<P extends z.ZodType, Q extends z.ZodType, A extends Auth> {
  method: 'get' | 'post';
  path: string;
  params?: P;
  query?: Q;
  auth: A;
  scope?: A extends 'tenant' ? Scope : never;
  handler: (args: {
    params: z.infer<P>;
    query: z.infer<Q>;
    deps: AppDeps;
    c: HonoContext<{ Variables: HttpVars }>;
    access: A extends 'tenant' ? TenantAccess : null;
  }) => Promise<Response | object>;
}

function parse<S extends z.ZodType>(schema: S | undefined, value: unknown, where: string): z.infer<S> {
  if (!schema) return {} as z.infer<S>;
  assertStorableText(value, where);
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const fieldErrors = zodFieldErrors(r.error.issues, where);
  throw new NyxError('BAD_INPUT', `Invalid ${where}: ${Object.keys(fieldErrors).join(', ')}`, { fieldErrors });
}

/** Example: `defineRoute(app, deps, { method: 'get', path: '/api/v1/projects', auth: 'tenant', scope: 'projects:read', handler: … })`. */
export function defineRoute<P extends z.ZodType, Q extends z.ZodType, A extends Auth>(
  app: Hono<{ Variables: HttpVars }>,
  deps: AppDeps,
  def: RouteDef<P, Q, A>,
): void {
  app[def.method](def.path, async (c) => {
    const params = parse(def.params, c.req.param(), 'path parameter');
    const query = parse(def.query, c.req.query(), 'query parameter');
    const respond = (out: Response | object) => (out instanceof Response ? out : c.json(out));
    if (def.auth === 'none') {
      return respond(await def.handler({ params, query, deps, c, access: null as never }));
    }
    const principal = c.get('principal');
    if (!principal) throw new NyxError('UNAUTHENTICATED', 'Send an API token (Authorization: Bearer nyx_…) or sign in');
    const out = await runInTenant(deps, principal, c.get('meta'), c.res.headers, async (access) => {
      if (def.scope && !access.scopes.has(def.scope))
        throw new NyxError('FORBIDDEN', `This action needs the "${def.scope}" permission`);
      return def.handler({ params, query, deps, c, access: access as never });
    });
    return respond(out);
  });
}
