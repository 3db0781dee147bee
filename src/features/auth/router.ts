import { z } from 'zod';
import { clearedCookies, sessionCookies } from '../../platform/http/cookies.js';
import {
  authAttemptProcedure,
  publicProcedure,
  router,
  sessionProcedure,
  tenantProcedure,
  requireScope,
} from '../../platform/trpc/procedures.js';
import type { Context } from '../../platform/trpc/context.js';
import { zCreateToken, zSignIn, zSignUp } from './schema.js';
import { countUsers, getUser, signIn, signOut, signOutEverywhere, signUp, type NewSession } from './service.js';
import { createApiToken, listApiTokens, revokeApiToken } from './tokens.js';

function setSession(ctx: Context, s: NewSession) {
  for (const c of sessionCookies(ctx.deps.env, s)) ctx.resHeaders.append('Set-Cookie', c);
}

export const authRouter = router({
  /** What the sign-in page needs to know: first-run setup, sign-up mode, and the current user. */
  status: publicProcedure.query(async ({ ctx }) => {
    const needsSetup = (await countUsers(ctx.deps)) === 0;
    const user = ctx.principal ? await getUser(ctx.deps, ctx.principal.userId) : null;
    return { needsSetup, signupMode: ctx.deps.env.NYXCORE_SIGNUP, user, via: ctx.principal?.kind ?? null };
  }),
  signUp: authAttemptProcedure.input(zSignUp).mutation(async ({ ctx, input }) => {
    const s = await signUp(ctx.deps, input, ctx.meta);
    setSession(ctx, s);
    return { user: s.user, joinedTenantId: s.joinedTenantId };
  }),
  signIn: authAttemptProcedure.input(zSignIn).mutation(async ({ ctx, input }) => {
    const s = await signIn(ctx.deps, input, ctx.meta, ctx.meta.sessionToken);
    setSession(ctx, s);
    return { user: s.user };
  }),
  signOut: sessionProcedure.mutation(async ({ ctx }) => {
    await signOut(ctx.deps, ctx.principal.sessionId);
    for (const c of clearedCookies(ctx.deps.env)) ctx.resHeaders.append('Set-Cookie', c);
    return { ok: true };
  }),
  signOutEverywhere: sessionProcedure.mutation(async ({ ctx }) => {
    const ended = await signOutEverywhere(ctx.deps, ctx.principal.userId, ctx.meta);
    for (const c of clearedCookies(ctx.deps.env)) ctx.resHeaders.append('Set-Cookie', c);
    return { ended };
  }),
});

export const tokensRouter = router({
  list: tenantProcedure.query(({ ctx }) => listApiTokens(ctx.access)),
  create: requireScope('tokens:create')
    .meta({ pin: 'project' })
    .input(zCreateToken)
    .mutation(async ({ ctx, input }) => {
      const { token, view } = await createApiToken(ctx.access, input, ctx.deps.now());
      return { token, tokenInfo: view };
    }),
  revoke: tenantProcedure
    .meta({ pin: 'project' })
    .input(z.object({ id: z.uuid() }))
    .mutation(({ ctx, input }) => revokeApiToken(ctx.access, input.id, ctx.deps.now())),
});
