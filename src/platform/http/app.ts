/**
 * The HTTP pipeline, without knowing any feature. Middleware order on /api: body limit →
 * rate limit (per IP) → auth (cookie or bearer) → origin check; the tenant step happens per
 * procedure/route (`runInTenant`), where the per-tenant rate limit applies. What it serves —
 * the tRPC router, who a token or session belongs to, the REST routes — is wired in by
 * src/app/app.ts.
 */
import { getConnInfo } from '@hono/node-server/conninfo';
import type { AnyTRPCRouter } from '@trpc/server';
import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import { TRPC_ERROR_CODES_BY_KEY } from '@trpc/server/rpc';
import { Hono, type Context as HonoContext } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';
import type { AppDeps } from '../deps.js';
import { errorTable, NyxError } from '../errors.js';
import type { Principal, RequestMeta } from '../access/principal.js';
import { readCookie, SESSION_COOKIE } from './cookies.js';
import { serveWeb } from './static.js';
import type { HttpApp, HttpVars } from './vars.js';

const MAX_BODY_BYTES = 1024 * 1024;

function clientIp<C extends HonoContext>(c: C, trustProxy: boolean): string | null {
  if (trustProxy) {
    const fwd = c.req.header('x-forwarded-for')?.split(',')[0]?.trim();
    if (fwd) return fwd;
  }
  try {
    return getConnInfo(c).remote.address ?? null;
  } catch {
    return null;
  }
}

const isTrpcPath = <C extends HonoContext>(c: C) => c.req.path.startsWith('/api/trpc/');

/**
 * An error raised before tRPC sees the request (rate limit, body limit, origin check) in
 * the shape its caller reads: tRPC's (one entry per call of a batch, as the client expects)
 * on /api/trpc, ours elsewhere. A REST-shaped body on /api/trpc reached users as "Unable to
 * transform response from server".
 */
function errorResponse<C extends HonoContext>(c: C, err: NyxError, headers: Record<string, string> = {}) {
  const { http: status, trpc: trpcCode } = errorTable[err.code];
  if (!isTrpcPath(c)) {
    return c.json(
      {
        error: {
          code: err.code,
          message: err.userMessage,
          ...(err.fieldErrors ? { fieldErrors: err.fieldErrors } : {}),
        },
      },
      status as 400,
      headers,
    );
  }
  const data = {
    code: trpcCode,
    httpStatus: status,
    nyxCode: err.code,
    ...(err.fieldErrors ? { fieldErrors: err.fieldErrors } : {}),
  };
  const one = { error: { json: { message: err.userMessage, code: TRPC_ERROR_CODES_BY_KEY[trpcCode], data } } };
  if (c.req.query('batch') !== '1') return c.json(one, status as 400, headers);
  let calls = 1;
  try {
    calls = decodeURIComponent(c.req.path.slice('/api/trpc/'.length)).split(',').length;
  } catch {
    // Undecodable names: tRPC would refuse them too; one entry is as good as any.
  }
  return c.json(
    Array.from({ length: calls }, () => one),
    status as 400,
    headers,
  );
}

/** What the pipeline serves; src/app/app.ts composes it from the features. */
export interface HttpWiring {
  /** Served at /api/trpc; its context is `{ deps, principal, authError, meta, resHeaders }`. */
  router: AnyTRPCRouter;
  /** Who a bearer token (throws NyxError when it is no good) or a session cookie (null: signed out) belongs to. */
  authenticate: {
    token: (deps: AppDeps, token: string) => Promise<Principal>;
    session: (deps: AppDeps, sessionToken: string) => Promise<Principal | null>;
  };
  /** Registers the REST routes (after the middleware, before the web app's fallback). */
  routes: (app: HttpApp, deps: AppDeps) => void;
}

export function createHttpApp(deps: AppDeps, wiring: HttpWiring): HttpApp {
  const app = new Hono<{ Variables: HttpVars }>();
  const { env, log } = deps;

  app.onError((err, c) => {
    if (err instanceof NyxError) return errorResponse(c, err);
    if (err instanceof HTTPException) return err.getResponse();
    log.error({ err, path: c.req.path }, 'unhandled error');
    return c.json({ error: { code: 'INTERNAL', message: 'Internal error. The server log has the details.' } }, 500);
  });
  const apiNotFound = (c: HonoContext) =>
    c.json({ error: { code: 'NOT_FOUND', message: `No endpoint ${c.req.method} ${c.req.path}` } }, 404);
  app.notFound((c) => (c.req.path.startsWith('/api/') || c.req.method !== 'GET' ? apiNotFound(c) : serveWeb(c)));

  app.use('*', async (c, next) => {
    await next();
    c.header('X-Content-Type-Options', 'nosniff');
    c.header('Referrer-Policy', 'same-origin');
    c.header('X-Frame-Options', 'DENY');
    if (!c.req.path.startsWith('/api/')) {
      c.header(
        'Content-Security-Policy',
        "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; object-src 'none'; frame-ancestors 'none'; base-uri 'self'",
      );
    }
  });

  app.use(
    '/api/*',
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      // The rest of the body is never read, so the connection cannot be reused: say so.
      onError: (c) =>
        errorResponse(
          c,
          new NyxError('TOO_LARGE', `This request is larger than the ${MAX_BODY_BYTES / 1024 / 1024} MiB limit`),
          { Connection: 'close' },
        ),
    }),
  );

  // Rate limit per IP across every endpoint. Credential procedures also count each call
  // against the strict auth limit, inside tRPC (limitAuthAttempts), where batches are decoded.
  app.use('/api/*', async (c, next) => {
    const ip = clientIp(c, env.NYXCORE_TRUST_PROXY) ?? 'unknown';
    const decision = await deps.rateLimiter.hit(`ip:${ip}`, env.NYXCORE_RATE_LIMIT_API_PER_MIN * 2, 60_000);
    if (!decision.isAllowed) {
      return errorResponse(
        c,
        new NyxError('RATE_LIMITED', `Too many requests; try again in ${decision.retryAfterSeconds} s`),
        { 'Retry-After': String(decision.retryAfterSeconds) },
      );
    }
    await next();
  });

  // Auth: a bearer token that is wrong is an error (401); a stale cookie is just "signed out".
  app.use('/api/*', async (c, next) => {
    const authz = c.req.header('authorization');
    const sessionToken = readCookie(c.req.header('cookie'), SESSION_COOKIE);
    const meta: RequestMeta = {
      ip: clientIp(c, env.NYXCORE_TRUST_PROXY),
      userAgent: c.req.header('user-agent') ?? null,
      // EventSource and download links cannot send headers: GETs may name the workspace in ?tenant=.
      requestedTenantId:
        c.req.header('x-nyx-tenant') ?? (c.req.method === 'GET' ? c.req.query('tenant') : undefined) ?? null,
      csrfHeader: c.req.header('x-csrf-token') ?? null,
      origin: c.req.header('origin') ?? null,
      host: c.req.header('host') ?? null,
      sessionToken,
    };
    let principal: Principal | null = null;
    let authError: NyxError | null = null;
    if (authz) {
      const m = /^Bearer\s+(\S+)$/i.exec(authz);
      try {
        if (!m?.[1]) throw new NyxError('UNAUTHENTICATED', 'Authorization header must be "Bearer nyx_…"');
        principal = await wiring.authenticate.token(deps, m[1]);
      } catch (err) {
        if (!(err instanceof NyxError)) throw err;
        // tRPC callers get the error in tRPC's shape from the authed procedure; REST gets it now.
        if (!c.req.path.startsWith('/api/trpc/')) throw err;
        authError = err;
      }
    } else if (sessionToken) {
      principal = await wiring.authenticate.session(deps, sessionToken);
    }
    // Browsers send Origin on cross-site POSTs; a cookie-carrying request from another
    // origin is refused outright (defence in depth beside the per-session CSRF token).
    if (!authz && c.req.method !== 'GET' && c.req.method !== 'HEAD' && meta.origin && meta.host) {
      let originHost: string | null = null;
      try {
        originHost = new URL(meta.origin).host;
      } catch {
        originHost = null;
      }
      if (originHost !== meta.host && meta.origin !== env.publicUrl)
        throw new NyxError('CSRF', 'Cross-origin request refused');
    }
    c.set('principal', principal);
    c.set('authError', authError);
    c.set('meta', meta);
    await next();
  });

  app.all('/api/trpc/*', (c) =>
    fetchRequestHandler({
      endpoint: '/api/trpc',
      req: c.req.raw,
      router: wiring.router,
      // One request may batch at most this many calls (the browser client sends a handful).
      maxBatchSize: 50,
      createContext: ({ resHeaders }) => ({
        deps,
        principal: c.get('principal'),
        authError: c.get('authError'),
        meta: c.get('meta'),
        resHeaders,
      }),
      onError: ({ error, path }) => {
        if (error.code === 'INTERNAL_SERVER_ERROR') log.error({ err: error.cause ?? error, path }, 'procedure failed');
      },
    }),
  );

  wiring.routes(app, deps);

  app.get('*', (c) => (c.req.path.startsWith('/api/') ? apiNotFound(c) : serveWeb(c)));
  return app;
}
