import { describe, expect, it } from 'vitest';
import { dbKinds, newUser, trpcError, type TestServer, withTestServer } from '../../testing/harness.js';
import { useServer } from '../../testing/suite.js';

describe.each(dbKinds)('workspaces, members and invitations on %s', (kind) => {
  let server: TestServer;
  useServer(kind, (s) => (server = s));

  it('a user in two workspaces switches between them and sees each one’s projects', async () => {
    const a = await newUser(server, { workspace: 'First' });
    await a.client.trpc.projects.create.mutate({ name: 'in first' });
    const second = await a.client.trpc.workspaces.create.mutate({ name: 'Second' });
    expect((await a.client.trpc.workspaces.list.query()).map((w) => w.name)).toEqual(['First', 'Second']);
    a.client.tenantId = second.id;
    expect(await a.client.trpc.projects.list.query({})).toEqual([]);
    await a.client.trpc.projects.create.mutate({ name: 'in second' });
    a.client.tenantId = a.tenantId;
    expect((await a.client.trpc.projects.list.query({})).map((p) => p.name)).toEqual(['in first']);
  });

  it('invites a member with a one-time link; the link cannot be reused, and revoked links fail', async () => {
    const owner = await newUser(server);
    const inv = await owner.client.trpc.invitations.create.mutate({ role: 'member' });
    const preview = await (
      await newUser(server, { workspace: null })
    ).client.trpc.invitations.preview.query({ token: inv.token });
    expect(preview).toMatchObject({ role: 'member', status: 'pending' });
    const b = await newUser(server, { workspace: null });
    const { tenantId } = await b.client.trpc.invitations.accept.mutate({ token: inv.token });
    expect(tenantId).toBe(owner.tenantId);
    const c = await newUser(server, { workspace: null });
    const reused = await trpcError(() => c.client.trpc.invitations.accept.mutate({ token: inv.token }));
    expect(reused.httpStatus).toBe(409);
    expect(reused.message).toMatch(/accepted/);

    const inv2 = await owner.client.trpc.invitations.create.mutate({ role: 'viewer' });
    await owner.client.trpc.invitations.revoke.mutate({ id: inv2.invitation.id });
    expect((await trpcError(() => c.client.trpc.invitations.accept.mutate({ token: inv2.token }))).message).toMatch(
      /revoked/,
    );

    const bound = await owner.client.trpc.invitations.create.mutate({
      role: 'member',
      email: 'someone-else@example.test',
    });
    expect((await trpcError(() => c.client.trpc.invitations.accept.mutate({ token: bound.token }))).httpStatus).toBe(
      403,
    );

    const members = await owner.client.trpc.members.list.query();
    expect(members.map((m) => m.email).sort()).toEqual([owner.email, b.email].sort());
    const statuses = (await owner.client.trpc.invitations.list.query()).map((i) => i.status).sort();
    expect(statuses).toEqual(['accepted', 'pending', 'revoked']);
    const audit = (await owner.client.trpc.audit.list.query({ limit: 50 })).items.map((i) => i.action);
    expect(audit).toEqual(
      expect.arrayContaining(['invitation.created', 'invitation.accepted', 'member.added', 'invitation.revoked']),
    );
  });

  it('a sole owner cannot demote or remove herself, whatever she owns elsewhere; lists show each member once', async () => {
    const carol = await newUser(server, { workspace: 'C1' });
    const c1 = carol.tenantId;
    const c2 = (await carol.client.trpc.workspaces.create.mutate({ name: 'C2' })).id;
    const c3 = (await carol.client.trpc.workspaces.create.mutate({ name: 'C3' })).id;
    for (const tenant of [c1, c2, c3]) {
      carol.client.tenantId = tenant;
      const demote = await trpcError(() =>
        carol.client.trpc.members.updateRole.mutate({ userId: carol.userId, role: 'admin' }),
      );
      expect(demote.httpStatus).toBe(409);
      const leave = await trpcError(() => carol.client.trpc.members.remove.mutate({ userId: carol.userId }));
      expect(leave.httpStatus).toBe(409);
      const members = await carol.client.trpc.members.list.query();
      expect(members.map((m) => [m.userId, m.role])).toEqual([[carol.userId, 'owner']]);
    }
    // With a second owner in C2 she may step down there, and only there.
    carol.client.tenantId = c2;
    const dave = await newUser(server, { workspace: null });
    const inv = await carol.client.trpc.invitations.create.mutate({ role: 'admin' });
    await dave.client.trpc.invitations.accept.mutate({ token: inv.token });
    await carol.client.trpc.members.updateRole.mutate({ userId: dave.userId, role: 'owner' });
    await carol.client.trpc.members.updateRole.mutate({ userId: carol.userId, role: 'admin' });
    expect((await carol.client.trpc.workspaces.list.query()).map((w) => [w.name, w.role])).toEqual([
      ['C1', 'owner'],
      ['C2', 'admin'],
      ['C3', 'owner'],
    ]);
  });

  it('enforces roles: members cannot manage, admins cannot crown owners, the last owner stays', async () => {
    const owner = await newUser(server);
    const join = async (role: 'admin' | 'member' | 'viewer') => {
      const inv = await owner.client.trpc.invitations.create.mutate({ role });
      const u = await newUser(server, { workspace: null });
      await u.client.trpc.invitations.accept.mutate({ token: inv.token });
      u.client.tenantId = owner.tenantId;
      return u;
    };
    const admin = await join('admin');
    const member = await join('member');
    const viewer = await join('viewer');

    expect(
      (await trpcError(() => member.client.trpc.members.updateRole.mutate({ userId: viewer.userId, role: 'member' })))
        .httpStatus,
    ).toBe(403);
    expect((await trpcError(() => member.client.trpc.invitations.create.mutate({ role: 'member' }))).httpStatus).toBe(
      403,
    );
    expect((await trpcError(() => member.client.trpc.audit.list.query({ limit: 5 }))).httpStatus).toBe(403);
    expect((await trpcError(() => viewer.client.trpc.projects.create.mutate({ name: 'v' }))).httpStatus).toBe(403);
    expect(
      (await trpcError(() => admin.client.trpc.members.updateRole.mutate({ userId: member.userId, role: 'owner' })))
        .httpStatus,
    ).toBe(403);
    expect((await trpcError(() => admin.client.trpc.members.remove.mutate({ userId: owner.userId }))).httpStatus).toBe(
      403,
    );
    expect((await trpcError(() => admin.client.trpc.workspaces.rename.mutate({ name: 'x' }))).httpStatus).toBe(403);

    await admin.client.trpc.members.updateRole.mutate({ userId: viewer.userId, role: 'member' });
    const lastOwner = await trpcError(() =>
      owner.client.trpc.members.updateRole.mutate({ userId: owner.userId, role: 'admin' }),
    );
    expect(lastOwner.httpStatus).toBe(409);
    expect((await trpcError(() => owner.client.trpc.members.remove.mutate({ userId: owner.userId }))).httpStatus).toBe(
      409,
    );

    await member.client.trpc.members.remove.mutate({ userId: member.userId });
    expect((await trpcError(() => member.client.trpc.projects.list.query({}))).httpStatus).toBe(404);
    const renamed = await owner.client.trpc.workspaces.rename.mutate({ name: 'Renamed' });
    expect(renamed.name).toBe('Renamed');
    const audit = (await owner.client.trpc.audit.list.query({ limit: 50 })).items;
    const roleChange = audit.find((i) => i.action === 'member.role_changed');
    expect(roleChange?.data).toEqual({ from: 'viewer', to: 'member' });
    expect(audit.map((i) => i.action)).toEqual(expect.arrayContaining(['member.removed', 'workspace.renamed']));
  });
});

describe('workspaces.current (pglite)', () => {
  it('tells the caller their effective scopes and the roles they may assign', async () => {
    await withTestServer('pglite', {}, async (server) => {
      const owner = await newUser(server);
      const current = await owner.client.trpc.workspaces.current.query();
      expect(current.role).toBe('owner');
      expect(current.scopes).toContain('workspace:manage');
      expect(current.assignableRoles).toEqual(['owner', 'admin', 'member', 'viewer']);
      const inv = await owner.client.trpc.invitations.create.mutate({ role: 'viewer' });
      const v = await newUser(server, { workspace: null });
      await v.client.trpc.invitations.accept.mutate({ token: inv.token });
      v.client.tenantId = owner.tenantId;
      const asViewer = await v.client.trpc.workspaces.current.query();
      expect(asViewer.scopes).toEqual([
        'analysis:read',
        'discussions:read',
        'members:read',
        'memory:read',
        'notes:read',
        'personas:read',
        'projects:read',
        'repositories:read',
        'workflows:read',
        'workspace:read',
      ]);
      expect(asViewer.assignableRoles).toEqual(['viewer']);
      const { token } = await owner.client.trpc.tokens.create.mutate({ name: 'ro', scopes: ['projects:read'] });
      v.client.tenantId = null;
      owner.client.bearer = token;
      owner.client.cookies.clear();
      expect((await owner.client.trpc.workspaces.current.query()).scopes).toEqual(['projects:read']);
    });
  });
});
