import { describe, expect, it } from 'vitest';
import { dbKinds, newUser, TestClient, trpcError, type TestServer } from '../../testing/harness.js';
import { useServer } from '../../testing/suite.js';

describe.each(dbKinds)('API tokens on %s', (kind) => {
  let server: TestServer;
  useServer(kind, (s) => (server = s));

  const bearer = (token: string) => {
    const c = new TestClient(server.url);
    c.bearer = token;
    return c;
  };

  it('is shown once, stored hashed, works with its scopes only, and stops working when revoked', async () => {
    const a = await newUser(server);
    await a.client.trpc.projects.create.mutate({ name: 'Apollo' });
    const { token, tokenInfo } = await a.client.trpc.tokens.create.mutate({ name: 'ci', scopes: ['projects:read'] });
    expect(token).toMatch(/^nyx_[A-Za-z0-9_-]{40,}$/);
    const listed = await a.client.trpc.tokens.list.query();
    expect(JSON.stringify(listed)).not.toContain(token);
    expect(JSON.stringify(listed)).not.toContain(token.slice(12));
    expect(listed[0]?.displayPrefix).toBe(token.slice(0, 10));
    const rows = await server.database.raw<{ token_hash: string }>('select token_hash from api_tokens where id = $1', [
      tokenInfo.id,
    ]);
    expect(rows[0]?.token_hash).toMatch(/^[0-9a-f]{64}$/);

    const t = bearer(token);
    expect((await t.trpc.projects.list.query({})).map((p) => p.name)).toEqual(['Apollo']);
    const res = await t.raw('/api/v1/projects');
    expect(res.status).toBe(200);
    expect(((await res.json()) as { projects: { name: string }[] }).projects.map((p) => p.name)).toEqual(['Apollo']);
    const missing = await trpcError(() => t.trpc.projects.create.mutate({ name: 'Nope' }));
    expect(missing.httpStatus).toBe(403);
    expect(missing.message).toContain('projects:write');

    await a.client.trpc.tokens.revoke.mutate({ id: tokenInfo.id });
    const revoked = await trpcError(() => t.trpc.projects.list.query({}));
    expect(revoked.httpStatus).toBe(401);
    expect((await t.raw('/api/v1/projects')).status).toBe(401);
    const audit = (await a.client.trpc.audit.list.query({ limit: 20 })).items.map((i) => i.action);
    expect(audit).toEqual(expect.arrayContaining(['token.created', 'token.revoked']));
  });

  it('rejects unknown and expired tokens with 401', async () => {
    const a = await newUser(server);
    expect((await trpcError(() => bearer('nyx_definitelynotarealtoken').trpc.projects.list.query({}))).httpStatus).toBe(
      401,
    );
    expect((await bearer('garbage').raw('/api/v1/projects')).status).toBe(401);
    const { token } = await a.client.trpc.tokens.create.mutate({
      name: 'short',
      scopes: ['projects:read'],
      expiresInDays: 1,
    });
    expect((await bearer(token).trpc.projects.list.query({})).length).toBe(0);
    server.clock.offsetMs = 2 * 86_400_000;
    try {
      const expired = await trpcError(() => bearer(token).trpc.projects.list.query({}));
      expect(expired.httpStatus).toBe(401);
      expect(expired.message).toMatch(/expired/);
    } finally {
      server.clock.offsetMs = 0;
    }
  });

  it('a project-pinned token sees and touches only its project', async () => {
    const a = await newUser(server);
    const p1 = await a.client.trpc.projects.create.mutate({ name: 'Pinned' });
    const p2 = await a.client.trpc.projects.create.mutate({ name: 'Other' });
    const n2 = await a.client.trpc.notes.create.mutate({ projectId: p2.id, title: 'secret plans', body: 'x' });
    const { token } = await a.client.trpc.tokens.create.mutate({
      name: 'pin',
      scopes: ['projects:read', 'notes:read', 'notes:write', 'projects:write'],
      projectId: p1.id,
    });
    const t = bearer(token);
    expect((await t.trpc.projects.list.query({})).map((p) => p.name)).toEqual(['Pinned']);
    expect((await trpcError(() => t.trpc.projects.get.query({ id: p2.id }))).httpStatus).toBe(403);
    expect((await trpcError(() => t.trpc.notes.get.query({ id: n2.id }))).httpStatus).toBe(403);
    expect((await trpcError(() => t.trpc.notes.create.mutate({ projectId: p2.id, title: 'x' }))).httpStatus).toBe(403);
    expect((await trpcError(() => t.trpc.projects.create.mutate({ name: 'New' }))).httpStatus).toBe(403);
    expect((await t.raw(`/api/v1/projects/${p2.id}/notes`)).status).toBe(403);
    const ok = await t.trpc.notes.create.mutate({ projectId: p1.id, title: 'allowed' });
    expect(ok.projectId).toBe(p1.id);
  });

  it('cannot grant more than the creator has; demoting the creator narrows the token', async () => {
    const owner = await newUser(server);
    const inv = await owner.client.trpc.invitations.create.mutate({ role: 'member' });
    const m = await newUser(server, { workspace: null });
    await m.client.trpc.invitations.accept.mutate({ token: inv.token });
    m.client.tenantId = owner.tenantId;
    const tooMuch = await trpcError(() => m.client.trpc.tokens.create.mutate({ name: 'x', scopes: ['audit:read'] }));
    expect(tooMuch.httpStatus).toBe(403);
    expect(tooMuch.fieldErrors?.scopes).toBeDefined();
    const { token } = await m.client.trpc.tokens.create.mutate({
      name: 'writer',
      scopes: ['projects:read', 'projects:write'],
    });
    await bearer(token).trpc.projects.create.mutate({ name: 'by token' });
    await owner.client.trpc.members.updateRole.mutate({ userId: m.userId, role: 'viewer' });
    expect(
      (await trpcError(() => bearer(token).trpc.projects.create.mutate({ name: 'after demotion' }))).httpStatus,
    ).toBe(403);
    expect((await bearer(token).trpc.projects.list.query({})).map((p) => p.name)).toEqual(['by token']);
    // Removing the member revokes their tokens.
    await owner.client.trpc.members.remove.mutate({ userId: m.userId });
    expect((await trpcError(() => bearer(token).trpc.projects.list.query({}))).httpStatus).toBe(401);
  });
});
