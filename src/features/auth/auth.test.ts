import { describe, expect, it } from 'vitest';
import {
  dbKinds,
  newUser,
  withTestServer,
  TestClient,
  trpcError,
  type TestServer,
  type TestUser,
} from '../../testing/harness.js';
import { useServer } from '../../testing/suite.js';

describe.each(dbKinds)('auth on %s', (kind) => {
  let server: TestServer;
  useServer(kind, (s) => (server = s));

  it('signs in with the right password and refuses a wrong one, recording both in the audit log', async () => {
    const a = await newUser(server);
    const other = new TestClient(server.url);
    const wrong = await trpcError(() =>
      other.trpc.auth.signIn.mutate({ email: a.email, password: 'not the password' }),
    );
    expect(wrong.httpStatus).toBe(401);
    expect(wrong.message).toBe('Email or password is incorrect');
    const unknown = await trpcError(() =>
      other.trpc.auth.signIn.mutate({ email: 'nobody@example.test', password: 'whatever it is' }),
    );
    expect(unknown).toMatchObject({ httpStatus: 401, message: 'Email or password is incorrect' });
    await other.trpc.auth.signIn.mutate({ email: a.email.toUpperCase(), password: a.password });
    const status = await other.trpc.auth.status.query();
    expect(status.user?.email).toBe(a.email);
    const audit = await a.client.trpc.audit.list.query({ limit: 50 });
    const actions = audit.items.map((i) => i.action);
    expect(actions).toContain('auth.sign_in_failed');
    expect(actions).toContain('auth.sign_in');
  });

  it('rotates the session on sign-in: the old session cookie stops working', async () => {
    const a = await newUser(server);
    const oldCookie = a.client.cookies.get('nyx_session');
    await a.client.trpc.auth.signIn.mutate({ email: a.email, password: a.password });
    const newCookie = a.client.cookies.get('nyx_session');
    expect(newCookie).toBeTruthy();
    expect(newCookie).not.toBe(oldCookie);
    const stale = new TestClient(server.url);
    stale.cookies.set('nyx_session', oldCookie ?? '');
    stale.tenantId = a.tenantId;
    expect((await trpcError(() => stale.trpc.projects.list.query({}))).httpStatus).toBe(401);
    expect((await a.client.trpc.projects.list.query({})).length).toBe(0);
  });

  it('session cookies are HttpOnly (the session) and SameSite=Strict (both)', async () => {
    const a = await newUser(server, { workspace: null });
    const res = await new TestClient(server.url).raw('/api/trpc/auth.signIn', {
      method: 'POST',
      body: JSON.stringify({ json: { email: a.email, password: a.password } }),
    });
    const cookies = res.headers.getSetCookie();
    const session = cookies.find((c) => c.startsWith('nyx_session='));
    const csrf = cookies.find((c) => c.startsWith('nyx_csrf='));
    expect(session).toMatch(/; SameSite=Strict/);
    expect(session).toMatch(/; HttpOnly/);
    expect(csrf).toMatch(/; SameSite=Strict/);
    expect(csrf).not.toMatch(/HttpOnly/);
  });

  it('an expired session is signed out', async () => {
    const a = await newUser(server);
    server.clock.offsetMs = (server.deps.env.NYXCORE_SESSION_TTL_HOURS + 1) * 3_600_000;
    try {
      expect((await a.client.trpc.auth.status.query()).user).toBeNull();
      expect((await trpcError(() => a.client.trpc.projects.list.query({}))).httpStatus).toBe(401);
    } finally {
      server.clock.offsetMs = 0;
    }
  });

  it('sign out ends this session; sign out everywhere ends all of them', async () => {
    const a = await newUser(server);
    const laptop = new TestClient(server.url);
    await laptop.trpc.auth.signIn.mutate({ email: a.email, password: a.password });
    laptop.tenantId = a.tenantId;
    const phone = new TestClient(server.url);
    await phone.trpc.auth.signIn.mutate({ email: a.email, password: a.password });
    phone.tenantId = a.tenantId;

    await laptop.trpc.auth.signOut.mutate();
    expect(laptop.cookies.has('nyx_session')).toBe(false);
    expect((await phone.trpc.projects.list.query({})).length).toBe(0);

    const { ended } = await phone.trpc.auth.signOutEverywhere.mutate();
    expect(ended).toBe(2);
    expect((await trpcError(() => a.client.trpc.projects.list.query({}))).httpStatus).toBe(401);
  });

  it('refuses cookie-authenticated mutations without the CSRF token or from another origin', async () => {
    const a = await newUser(server);
    a.client.sendCsrf = false;
    const noCsrf = await trpcError(() => a.client.trpc.projects.create.mutate({ name: 'csrf probe' }));
    expect(noCsrf.httpStatus).toBe(403);
    expect(noCsrf.message).toMatch(/CSRF/);
    a.client.sendCsrf = true;
    const res = await a.client.raw('/api/trpc/projects.create', {
      method: 'POST',
      body: JSON.stringify({ json: { name: 'csrf probe' } }),
      headers: { origin: 'https://evil.example' },
    });
    expect(res.status).toBe(403);
    expect(await a.client.trpc.projects.list.query({ query: 'csrf probe' })).toEqual([]);
  });
});

describe('first start and sign-up modes (pglite)', () => {
  it('the first account needs the one-time setup token and becomes instance admin', async () => {
    await withTestServer('pglite', { NYXCORE_SIGNUP: 'invite' }, async (server) => {
      const c = new TestClient(server.url);
      expect((await c.trpc.auth.status.query()).needsSetup).toBe(true);
      const noToken = await trpcError(() =>
        c.trpc.auth.signUp.mutate({ email: 'first@example.test', name: 'First', password: 'long enough password' }),
      );
      expect(noToken.httpStatus).toBe(403);
      expect(noToken.fieldErrors?.setupToken).toBeDefined();
      const bad = await trpcError(() =>
        c.trpc.auth.signUp.mutate({
          email: 'first@example.test',
          name: 'First',
          password: 'long enough password',
          setupToken: 'setup_wrong',
        }),
      );
      expect(bad.httpStatus).toBe(403);
      const { issueSetupToken } = await import('./service.js');
      const token = await issueSetupToken(server.deps);
      const res = await c.trpc.auth.signUp.mutate({
        email: 'first@example.test',
        name: 'First',
        password: 'long enough password',
        setupToken: token ?? '',
      });
      expect(res.user.isInstanceAdmin).toBe(true);
      expect(await issueSetupToken(server.deps)).toBeNull();

      // Invite-only from now on: a stranger cannot sign up, an invited person can, and a bad invitation leaves no account behind.
      const stranger = new TestClient(server.url);
      const refused = await trpcError(() =>
        stranger.trpc.auth.signUp.mutate({
          email: 'stranger@example.test',
          name: 'S',
          password: 'long enough password',
        }),
      );
      expect(refused.httpStatus).toBe(403);
      const badInvite = await trpcError(() =>
        stranger.trpc.auth.signUp.mutate({
          email: 'stranger@example.test',
          name: 'S',
          password: 'long enough password',
          inviteToken: 'inv_doesnotexist',
        }),
      );
      expect(badInvite.httpStatus).toBe(404);
      expect(
        (
          await trpcError(() =>
            stranger.trpc.auth.signIn.mutate({ email: 'stranger@example.test', password: 'long enough password' }),
          )
        ).httpStatus,
      ).toBe(401);

      const ws = await c.trpc.workspaces.create.mutate({ name: 'Acme' });
      c.tenantId = ws.id;
      const inv = await c.trpc.invitations.create.mutate({ role: 'member' });
      expect(inv.link).toContain('/invite/inv_');
      const joined = await stranger.trpc.auth.signUp.mutate({
        email: 'stranger@example.test',
        name: 'S',
        password: 'long enough password',
        inviteToken: inv.token,
      });
      expect(joined.joinedTenantId).toBe(ws.id);
      expect((await stranger.trpc.workspaces.list.query()).map((w) => [w.name, w.role])).toEqual([['Acme', 'member']]);
    });
  });
});

describe.each(dbKinds)('sign-up does not tell which emails have accounts on %s', (kind) => {
  let server: TestServer;
  useServer(kind, (s) => (server = s));

  it('an existing address gets the same refusal as any address would, and the right password signs in', async () => {
    const owner = await newUser(server);
    const known = await newUser(server, { workspace: null });
    const inv = await owner.client.trpc.invitations.create.mutate({ role: 'member' });
    const holder = new TestClient(server.url);
    const refused = await trpcError(() =>
      holder.trpc.auth.signUp.mutate({
        email: known.email,
        name: 'X',
        password: 'some other password',
        inviteToken: inv.token,
      }),
    );
    expect(refused.httpStatus).toBe(409);
    expect(refused.message).not.toMatch(/already exists/i);
    expect(JSON.stringify(refused.fieldErrors)).not.toMatch(/already exists/i);
    // The invitation was not used up by the probe: a new address still joins with it …
    const fresh = `new-${Date.now()}@example.test`;
    const joined = await holder.trpc.auth.signUp.mutate({
      email: fresh,
      name: 'New',
      password: 'long enough password',
      inviteToken: inv.token,
    });
    expect(joined.joinedTenantId).toBe(owner.tenantId);
    // … and the owner of an address who signs up again with their own password is simply signed in.
    const inv2 = await owner.client.trpc.invitations.create.mutate({ role: 'viewer' });
    const again = new TestClient(server.url);
    const back = await again.trpc.auth.signUp.mutate({
      email: known.email,
      name: 'ignored',
      password: known.password,
      inviteToken: inv2.token,
    });
    expect(back.user.id).toBe(known.userId);
    expect(back.user.name).toBe('Test User');
    expect((await again.trpc.workspaces.list.query()).map((w) => w.id)).toEqual([owner.tenantId]);
  });
});

describe('rate limits (pglite)', () => {
  it('limits credential attempts per IP with 429 and Retry-After', async () => {
    await withTestServer('pglite', { NYXCORE_RATE_LIMIT_AUTH_PER_MIN: '3' }, async (server) => {
      const c = new TestClient(server.url);
      for (let i = 0; i < 3; i++) {
        expect(
          (await trpcError(() => c.trpc.auth.signIn.mutate({ email: 'x@example.test', password: 'nope nope' })))
            .httpStatus,
        ).toBe(401);
      }
      const res = await c.raw('/api/trpc/auth.signIn', {
        method: 'POST',
        body: JSON.stringify({ json: { email: 'x@example.test', password: 'nope nope' } }),
      });
      expect(res.status).toBe(429);
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
      // Other API calls from the same IP are not affected by the auth limit.
      expect((await c.raw('/api/v1/health')).status).toBe(200);
    });
  });

  it('counts every sign-in of a batch, however the procedure names are encoded', async () => {
    await withTestServer('pglite', { NYXCORE_RATE_LIMIT_AUTH_PER_MIN: '3' }, async (server) => {
      const victim = await newUser(server, { workspace: null });
      for (const sep of [',', '%2C', '%2c']) {
        const c = new TestClient(server.url);
        const n = 25;
        const inputs = Object.fromEntries(
          Array.from({ length: n }, (_, i) => [
            String(i),
            { json: { email: victim.email, password: i === n - 1 ? victim.password : `wrong guess ${i}` } },
          ]),
        );
        const res = await c.raw(`/api/trpc/${Array.from({ length: n }, () => 'auth.signIn').join(sep)}?batch=1`, {
          method: 'POST',
          body: JSON.stringify(inputs),
        });
        const results = (await res.json()) as { error?: { json: { data: { httpStatus: number } } } }[];
        const statuses = results.map((r) => r.error?.json.data.httpStatus ?? 200);
        // Only the attempts left in this minute are tried at all (the first separator used them up).
        expect(statuses.filter((st) => st === 401).length).toBeLessThanOrEqual(3);
        expect(statuses.filter((st) => st === 429).length).toBeGreaterThanOrEqual(n - 3);
        expect(statuses[n - 1], `separator ${sep}`).toBe(429);
        expect(res.headers.getSetCookie().some((h) => h.startsWith('nyx_session='))).toBe(false);
      }
    });
  });

  it("a stranger naming another workspace cannot use up that workspace's limit", async () => {
    // 10 per workspace; the per-IP limit (twice that) covers all of this test's calls.
    await withTestServer('pglite', { NYXCORE_RATE_LIMIT_API_PER_MIN: '10' }, async (server) => {
      const a = await newUser(server);
      const b = await newUser(server);
      const list = (u: TestUser, tenant: string) =>
        u.client
          .raw(`/api/trpc/projects.list?input=${encodeURIComponent(JSON.stringify({ json: {} }))}`, {
            headers: { 'x-nyx-tenant': tenant },
          })
          .then((r) => r.status);
      const strangerStatuses: number[] = [];
      for (let i = 0; i < 12; i++) strangerStatuses.push(await list(b, a.tenantId));
      expect(strangerStatuses.slice(0, 10)).toEqual(Array(10).fill(404));
      expect(strangerStatuses.slice(10)).toEqual([429, 429]);
      // A's owner still has the whole budget of A, and B's own workspace is untouched too.
      expect(await list(a, a.tenantId)).toBe(200);
      expect(await list(b, b.tenantId)).toBe(200);
    });
  });

  it('limits API calls per workspace', async () => {
    await withTestServer('pglite', { NYXCORE_RATE_LIMIT_API_PER_MIN: '5' }, async (server) => {
      const a = await newUser(server);
      const statuses: number[] = [];
      for (let i = 0; i < 7; i++)
        statuses.push(
          (await a.client.raw(`/api/trpc/projects.list?input=${encodeURIComponent(JSON.stringify({ json: {} }))}`))
            .status,
        );
      expect(statuses.slice(0, 5)).toEqual([200, 200, 200, 200, 200]);
      expect(statuses.slice(5)).toEqual([429, 429]);
    });
  });
});
