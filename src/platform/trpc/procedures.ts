/**
 * The procedure ladder: public → authed → tenant → requireScope(scope).
 * `tenantProcedure` checks membership and runs the handler inside the RLS transaction;
 * handlers read `tenantId`, `role`, `scopes` and `tx` from ctx, never from input.
 */
import type { z } from 'zod';
import type { Scope } from '../access/scopes.js';
import { grantTenant, runInTenant, type TenantAccess, type TenantGrant } from '../access/tenant-access.js';
import { NyxError } from '../errors.js';
import { assertStorableText } from '../input-text.js';
import { constantTimeEqual, sha256Hex } from '../security.js';
import { t, toTrpcError, type ProcedureMeta } from './init.js';

const errorMapper = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok) {
    const mapped = toTrpcError(result.error.cause);
    if (mapped !== result.error.cause) throw mapped;
  }
  return result;
});

/** Text PostgreSQL cannot store (NUL, lone surrogates) is refused for every procedure, field named. */
const storableInput = t.middleware(async ({ getRawInput, next }) => {
  assertStorableText(await getRawInput());
  return next();
});

export const router = t.router;
export const publicProcedure = t.procedure.use(errorMapper).use(storableInput);

/**
 * Procedures that check credentials or create accounts: each call is one attempt against
 * the strict per-IP limit. Counted here, per procedure call after tRPC has decoded the
 * batch, so `auth.signIn,auth.signIn,…?batch=1` (or `%2C` between the names) costs one
 * attempt per password tried.
 */
export const limitAuthAttempts = t.middleware(async ({ ctx, next }) => {
  const decision = await ctx.deps.rateLimiter.hit(
    `auth:${ctx.meta.ip ?? 'unknown'}`,
    ctx.deps.env.NYXCORE_RATE_LIMIT_AUTH_PER_MIN,
    60_000,
  );
  if (!decision.isAllowed) {
    ctx.resHeaders.set('Retry-After', String(decision.retryAfterSeconds));
    throw new NyxError('RATE_LIMITED', `Too many attempts; try again in ${decision.retryAfterSeconds} s`);
  }
  return next();
});
export const authAttemptProcedure = publicProcedure.use(limitAuthAttempts);

export const authedProcedure = publicProcedure.use(({ ctx, type, next }) => {
  const principal = ctx.principal;
  if (ctx.authError) throw ctx.authError;
  if (!principal) throw new NyxError('UNAUTHENTICATED', 'Sign in to continue');
  // Cookie-authenticated mutations must echo the session's CSRF token (double submit);
  // bearer tokens are not sent automatically by browsers and need no CSRF check.
  if (type === 'mutation' && principal.kind === 'session') {
    const header = ctx.meta.csrfHeader;
    if (!header || !constantTimeEqual(sha256Hex(header), principal.csrfHash)) {
      throw new NyxError('CSRF', 'Missing or invalid CSRF token; reload the page and try again');
    }
  }
  return next({ ctx: { principal } });
});

export type { TenantAccess, TenantGrant };

/**
 * Account-level actions (sign out, create or join a workspace): a browser session only.
 * An API token acts inside its own workspace and never on the account that minted it.
 */
export const sessionProcedure = authedProcedure.use(({ ctx, next }) => {
  const principal = ctx.principal;
  if (principal.kind !== 'session')
    throw new NyxError(
      'FORBIDDEN',
      'API tokens act inside their workspace; sign in in the browser for account actions',
    );
  return next({ ctx: { principal } });
});

/**
 * Pinned API tokens may run only the mutations that declare `meta({ pin: 'project' })`
 * (their services keep the caller inside its project); everything else acts on the whole
 * workspace and is refused. New mutations are therefore closed to pinned tokens by default.
 */
const pinGuard = authedProcedure.use(({ ctx, type, meta, path, next }) => {
  if (type === 'mutation' && ctx.principal.kind === 'token' && ctx.principal.projectId && meta?.pin !== 'project') {
    throw new NyxError('FORBIDDEN', `This API token is pinned to a project; ${path} acts on the whole workspace`);
  }
  return next();
});

/** Sentinel used to roll back the RLS transaction while keeping tRPC's original error result. */
class Rollback extends Error {}

export const tenantProcedure = pinGuard.use(async ({ ctx, next }) => {
  const callNext = (access: TenantAccess) => next({ ctx: { access } });
  let result: Awaited<ReturnType<typeof callNext>> | undefined;
  try {
    await runInTenant(ctx.deps, ctx.principal, ctx.meta, ctx.resHeaders, async (access) => {
      result = await callNext(access);
      // tRPC reports handler errors as a result, not a throw: throw to roll back.
      if (!result.ok) throw new Rollback();
    });
  } catch (err) {
    if (!(err instanceof Rollback)) throw err;
  }
  if (!result) throw new NyxError('INTERNAL', 'tenant transaction produced no result');
  return result;
});

/**
 * A tenant procedure without the request transaction: for handlers that wait on the
 * network (LLM calls). `ctx.grant` carries tenant, user, role and scopes; the handler
 * wraps its own database work in short `withTenant` transactions.
 */
export const tenantCallProcedure = pinGuard.use(async ({ ctx, next }) => {
  const grant = await grantTenant(ctx.deps, ctx.principal, ctx.meta, ctx.resHeaders);
  return next({ ctx: { grant } });
});

function forbidWithout(scopes: Set<Scope>, scope: Scope): void {
  if (!scopes.has(scope)) throw new NyxError('FORBIDDEN', `This action needs the "${scope}" permission`);
}

/** A tenant procedure that requires one scope. Example: `requireScope('notes:write').mutation(…)`. */
export function requireScope(scope: Scope) {
  return tenantProcedure.use(({ ctx, next }) => {
    forbidWithout(ctx.access.scopes, scope);
    return next();
  });
}

/** `tenantCallProcedure` that requires one scope. */
export function requireScopeForCall(scope: Scope) {
  return tenantCallProcedure.use(({ ctx, next }) => {
    forbidWithout(ctx.grant.scopes, scope);
    return next();
  });
}

/**
 * A query in the tenant transaction that requires one scope and hands the service the
 * request's access and the validated input.
 *
 * @example list: tenantQuery('notes:read', zListNotes, listNotes),
 */
export function tenantQuery<TSchema extends z.ZodType, TOut>(
  scope: Scope,
  schema: TSchema,
  run: (access: TenantAccess, input: z.output<TSchema>) => TOut | Promise<TOut>,
) {
  return (
    requireScope(scope)
      .input(schema)
      // tRPC cannot resolve its parser inference for a generic schema; the input is the schema's output.
      .query(({ ctx, input }) => run(ctx.access, input as z.output<TSchema>))
  );
}

function scopedMutation<TSchema extends z.ZodType, TOut>(
  scope: Scope,
  schema: TSchema,
  run: (access: TenantAccess, input: z.output<TSchema>) => TOut | Promise<TOut>,
  meta: ProcedureMeta,
) {
  return requireScope(scope)
    .meta(meta)
    .input(schema)
    .mutation(({ ctx, input }) => run(ctx.access, input as z.output<TSchema>));
}

/**
 * A workspace-wide mutation in the tenant transaction that requires one scope (refused to
 * project-pinned tokens).
 *
 * @example update: tenantMutation('llm:manage', zUpsertModelPrice, upsertModelPrice),
 */
export function tenantMutation<TSchema extends z.ZodType, TOut>(
  scope: Scope,
  schema: TSchema,
  run: (access: TenantAccess, input: z.output<TSchema>) => TOut | Promise<TOut>,
) {
  return scopedMutation(scope, schema, run, {});
}

/**
 * A mutation in the tenant transaction that requires one scope and whose service keeps a
 * project-pinned token inside its project (`meta({ pin: 'project' })`), so such tokens may call it.
 *
 * @example delete: projectMutation('notes:write', zNoteId, (access, { id }) => deleteNote(access, id)),
 */
export function projectMutation<TSchema extends z.ZodType, TOut>(
  scope: Scope,
  schema: TSchema,
  run: (access: TenantAccess, input: z.output<TSchema>) => TOut | Promise<TOut>,
) {
  return scopedMutation(scope, schema, run, { pin: 'project' });
}
