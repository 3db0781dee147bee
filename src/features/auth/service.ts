/**
 * Users and sessions. The identity tables have no tenant; this service is their only
 * caller, and it still runs as `nyxcore_app` through `withAuth`.
 */
import { and, eq, gt, sql } from 'drizzle-orm';
import type { AppDeps } from '../../platform/deps.js';
import { instanceSetup, sessions, tenantMembers, users } from '../../platform/db/schema/index.js';
import { withAuth, enterTenant, type Tx } from '../../platform/db/tenant.js';
import { rowsOf } from '../../platform/db/sql.js';
import { NyxError } from '../../platform/errors.js';
import {
  constantTimeEqual,
  dummyPasswordHash,
  hashPassword,
  randomToken,
  sha256Hex,
  verifyPassword,
} from '../../platform/security.js';
import type { Principal } from '../../platform/access/principal.js';
import { recordAudit } from '../audit/index.js';
import { acceptInvitationInTx } from '../tenancy/index.js';
import type { SignInInput, SignUpInput, UserView } from './schema.js';

type Deps = Pick<AppDeps, 'database' | 'env' | 'log' | 'now'>;

export interface ClientMeta {
  ip: string | null;
  userAgent: string | null;
}

export interface NewSession {
  user: UserView;
  sessionToken: string;
  csrfToken: string;
  expiresAt: Date;
  joinedTenantId: string | null;
}

const toView = (u: typeof users.$inferSelect): UserView => ({
  id: u.id,
  email: u.email,
  name: u.name,
  isInstanceAdmin: u.isInstanceAdmin,
});

/** Requests cannot read `users` rows they have no reason to see (RLS); the count comes from a SECURITY DEFINER function. */
async function userCount(tx: Tx): Promise<number> {
  const [row] = rowsOf<{ n: number }>(await tx.execute(sql`select nyxcore_user_count() as n`));
  return Number(row?.n ?? 0);
}

export async function countUsers(deps: Pick<AppDeps, 'database'>): Promise<number> {
  return withAuth(deps.database, {}, userCount);
}

export type SetupLink =
  /** A new token: print its link. Any earlier one no longer works. */
  | { kind: 'issued'; token: string }
  /** Another process (or an earlier start) already issued one that still works. */
  | { kind: 'pending'; issuedAt: Date }
  /** Someone has signed up: no setup link. */
  | { kind: 'done' };

/**
 * The one-time setup link, while the instance has no user. One token is valid at a time,
 * stored hashed, accepted by any process. With `isReplacing` (embedded mode's single
 * process, `nyxcore setup-link`) a fresh one replaces it; without (a fleet's web processes)
 * the first process issues it and the others leave it alone, so behind a load balancer the
 * printed link keeps working whichever process the browser reaches.
 */
export async function prepareSetupLink(
  deps: Pick<AppDeps, 'database'>,
  opts: { isReplacing: boolean },
): Promise<SetupLink> {
  return withAuth(deps.database, {}, async (tx) => {
    // Processes starting together take turns here (the row lock below needs a row to exist).
    await tx.execute(sql`lock table instance_setup in share row exclusive mode`);
    if ((await userCount(tx)) > 0) return { kind: 'done' };
    const [current] = await tx.select().from(instanceSetup).where(eq(instanceSetup.id, 'setup'));
    if (current && !opts.isReplacing) return { kind: 'pending', issuedAt: current.createdAt };
    const token = randomToken('setup_', 24);
    await tx
      .insert(instanceSetup)
      .values({ id: 'setup', tokenHash: sha256Hex(token) })
      .onConflictDoUpdate({ target: instanceSetup.id, set: { tokenHash: sha256Hex(token), createdAt: sql`now()` } });
    return { kind: 'issued', token };
  });
}

/** Issues a fresh setup token (replacing any earlier one) while no user exists; null once someone has signed up. */
export async function issueSetupToken(deps: Pick<AppDeps, 'database'>): Promise<string | null> {
  const link = await prepareSetupLink(deps, { isReplacing: true });
  return link.kind === 'issued' ? link.token : null;
}

async function createSession(tx: Tx, deps: Deps, userId: string, meta: ClientMeta) {
  const sessionToken = randomToken('', 32);
  const csrfToken = randomToken('', 24);
  const expiresAt = new Date(deps.now().getTime() + deps.env.NYXCORE_SESSION_TTL_HOURS * 3_600_000);
  await tx.insert(sessions).values({
    userId,
    tokenHash: sha256Hex(sessionToken),
    csrfHash: sha256Hex(csrfToken),
    expiresAt,
    userAgent: meta.userAgent?.slice(0, 400) ?? null,
    ip: meta.ip,
  });
  return { sessionToken, csrfToken, expiresAt };
}

/** Said for every sign-up refused over the address, so sign-up does not tell which emails have accounts. */
function cannotSignUp(): NyxError {
  return new NyxError(
    'CONFLICT',
    'No account was created with these details. If you already have an account, sign in with its password instead.',
    {
      fieldErrors: { email: ['No account was created for this address'] },
    },
  );
}

/**
 * Creates an account. The very first account needs the setup token and becomes the
 * instance admin; later ones need NYXCORE_SIGNUP=open or an invitation, which is accepted
 * in the same transaction (no account is left behind if the invitation is bad).
 *
 * An address that already has an account: with that account's password, this is a sign-in
 * (joining the invitation's workspace, if any); otherwise the same refusal whichever it is,
 * after the same password work, so sign-up reveals no more than sign-in does.
 */
export async function signUp(deps: Deps, input: SignUpInput, meta: ClientMeta): Promise<NewSession> {
  const passwordHash = await hashPassword(input.password);
  const result = await withAuth(
    deps.database,
    { inviteHash: input.inviteToken ? sha256Hex(input.inviteToken) : '', email: input.email },
    async (tx) => {
      // Serialise concurrent sign-ups so "first user" is decided exactly once.
      await tx.execute(sql`lock table users in share row exclusive mode`);
      const isFirst = (await userCount(tx)) === 0;
      if (isFirst) {
        const [setup] = await tx.select().from(instanceSetup).where(eq(instanceSetup.id, 'setup'));
        if (!input.setupToken || !setup || !constantTimeEqual(sha256Hex(input.setupToken), setup.tokenHash)) {
          throw new NyxError('FORBIDDEN', 'The first account needs the setup link printed by `nyxcore start`', {
            fieldErrors: { setupToken: ['Missing or invalid setup token'] },
          });
        }
      } else if (!input.inviteToken && deps.env.NYXCORE_SIGNUP !== 'open') {
        throw new NyxError(
          'FORBIDDEN',
          'Sign-up is by invitation on this instance; ask a workspace admin for an invitation link',
        );
      }
      const [existing] = await tx
        .select()
        .from(users)
        .where(sql`lower(${users.email}) = ${input.email}`);
      const isOwnAccount = await verifyPassword(existing?.passwordHash ?? (await dummyPasswordHash()), input.password);
      if (existing && !isOwnAccount) throw cannotSignUp();
      const user =
        existing ??
        (
          await tx
            .insert(users)
            .values({ email: input.email, name: input.name, passwordHash, isInstanceAdmin: isFirst })
            .returning()
        )[0];
      if (!user) throw new NyxError('INTERNAL', 'user insert returned nothing');
      if (isFirst) await tx.delete(instanceSetup).where(eq(instanceSetup.id, 'setup'));
      let joinedTenantId: string | null = null;
      if (input.inviteToken) {
        joinedTenantId = await acceptInvitationInTx(tx, {
          inviteToken: input.inviteToken,
          user,
          ip: meta.ip,
          now: deps.now(),
        });
        await enterTenant(tx, '');
      }
      const s = await createSession(tx, deps, user.id, meta);
      return { session: { user: toView(user), ...s, joinedTenantId }, isSignIn: Boolean(existing) };
    },
  );
  if (result.isSignIn) await auditForUserTenants(deps, result.session.user.id, 'auth.sign_in', meta);
  return result.session;
}

/**
 * Verifies email + password and opens a new session. `previousSessionToken` (the cookie
 * the browser already had) is revoked: a sign-in always rotates the session.
 */
export async function signIn(
  deps: Deps,
  input: SignInInput,
  meta: ClientMeta,
  previousSessionToken: string | null,
): Promise<NewSession> {
  const found = await withAuth(deps.database, { email: input.email }, async (tx) => {
    const [u] = await tx
      .select()
      .from(users)
      .where(sql`lower(${users.email}) = ${input.email}`);
    return u;
  });
  const isValid = found
    ? await verifyPassword(found.passwordHash, input.password)
    : await verifyPassword(await dummyPasswordHash(), input.password);
  if (!found || !isValid) {
    if (found) await auditForUserTenants(deps, found.id, 'auth.sign_in_failed', meta);
    deps.log.info({ email: input.email, ip: meta.ip }, 'sign-in failed');
    throw new NyxError('UNAUTHENTICATED', 'Email or password is incorrect');
  }
  const s = await withAuth(deps.database, { userId: found.id }, async (tx) => {
    if (previousSessionToken) await tx.delete(sessions).where(eq(sessions.tokenHash, sha256Hex(previousSessionToken)));
    return createSession(tx, deps, found.id, meta);
  });
  await auditForUserTenants(deps, found.id, 'auth.sign_in', meta);
  return { user: toView(found), ...s, joinedTenantId: null };
}

/** Sign-in events go to the audit log of every workspace the user belongs to, so its admins see them. */
async function auditForUserTenants(
  deps: Deps,
  userId: string,
  action: 'auth.sign_in' | 'auth.sign_in_failed' | 'auth.sign_out_everywhere',
  meta: ClientMeta,
) {
  try {
    await withAuth(deps.database, { userId }, async (tx) => {
      const memberships = await tx
        .select({ tenantId: tenantMembers.tenantId })
        .from(tenantMembers)
        .where(eq(tenantMembers.userId, userId));
      for (const m of memberships) {
        await enterTenant(tx, m.tenantId);
        await recordAudit(
          { tx, tenantId: m.tenantId, userId, ip: meta.ip },
          action,
          { type: 'user', id: userId },
          { userAgent: meta.userAgent },
        );
      }
    });
  } catch (err) {
    deps.log.error({ err, userId, action }, 'could not write sign-in audit entries');
  }
}

export async function signOut(deps: Pick<AppDeps, 'database'>, sessionId: string): Promise<void> {
  await withAuth(deps.database, {}, (tx) => tx.delete(sessions).where(eq(sessions.id, sessionId)));
}

/** Ends every session of the user, on every device. Returns how many were ended. */
export async function signOutEverywhere(deps: Deps, userId: string, meta: ClientMeta): Promise<number> {
  const ended = await withAuth(deps.database, { userId }, (tx) =>
    tx.delete(sessions).where(eq(sessions.userId, userId)).returning({ id: sessions.id }),
  );
  await auditForUserTenants(deps, userId, 'auth.sign_out_everywhere', meta);
  return ended.length;
}

/** Looks a session cookie up; expired or unknown sessions resolve to null. */
export async function resolveSession(
  deps: Pick<AppDeps, 'database' | 'now'>,
  sessionToken: string,
): Promise<Extract<Principal, { kind: 'session' }> | null> {
  const tokenHash = sha256Hex(sessionToken);
  const now = deps.now();
  return withAuth(deps.database, { sessionHash: tokenHash }, async (tx) => {
    const [row] = await tx
      .select({ session: sessions, user: users })
      .from(sessions)
      .innerJoin(users, eq(users.id, sessions.userId))
      .where(and(eq(sessions.tokenHash, tokenHash), gt(sessions.expiresAt, now)));
    if (!row || !constantTimeEqual(row.session.tokenHash, tokenHash)) return null;
    // Touch at most once a minute: a busy page must not turn every read into a write.
    if (now.getTime() - row.session.lastSeenAt.getTime() > 60_000) {
      await tx.update(sessions).set({ lastSeenAt: now }).where(eq(sessions.id, row.session.id));
    }
    return {
      kind: 'session',
      userId: row.user.id,
      email: row.user.email,
      name: row.user.name,
      sessionId: row.session.id,
      csrfHash: row.session.csrfHash,
    };
  });
}

export async function getUser(deps: Pick<AppDeps, 'database'>, userId: string): Promise<UserView | null> {
  return withAuth(deps.database, { userId }, async (tx) => {
    const [u] = await tx.select().from(users).where(eq(users.id, userId));
    return u ? toView(u) : null;
  });
}

export async function findUserByEmail(deps: Pick<AppDeps, 'database'>, email: string): Promise<UserView | null> {
  return withAuth(deps.database, { email }, async (tx) => {
    const [u] = await tx
      .select()
      .from(users)
      .where(sql`lower(${users.email}) = ${email.trim().toLowerCase()}`);
    return u ? toView(u) : null;
  });
}
