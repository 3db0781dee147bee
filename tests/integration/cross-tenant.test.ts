/**
 * Tenant isolation through the real HTTP surface: user B, signed in and acting in their
 * own workspace (or pretending to act in A's), can neither see nor touch anything of A's.
 * Every miss must be NOT_FOUND (404), never FORBIDDEN, so B cannot even learn an id exists.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  dbKinds,
  newUser,
  startTestServer,
  TestClient,
  trpcError,
  type TestServer,
  type TestUser,
} from '../../src/testing/harness.js';

interface Fixture {
  a: TestUser;
  b: TestUser;
  project: { id: string; name: string; description: string };
  note: { id: string; title: string; body: string };
  invitationId: string;
  token: { id: string; secret: string };
}

/** A's workspace with one of everything, and B with a workspace of their own (and one project, so lists are not trivially empty). */
async function setUp(server: TestServer): Promise<Fixture> {
  const tag = randomUUID().slice(0, 8);
  const a = await newUser(server, { workspace: `Alpha ${tag}` });
  const b = await newUser(server, { workspace: `Beta ${tag}` });
  const p = await a.client.trpc.projects.create.mutate({ name: `Secret plan ${tag}`, description: 'alpha only' });
  const n = await a.client.trpc.notes.create.mutate({
    projectId: p.id,
    title: `Launch codes ${tag}`,
    body: `the body of A's note ${tag}`,
  });
  const inv = await a.client.trpc.invitations.create.mutate({ email: `invitee-${tag}@example.test`, role: 'member' });
  const tok = await a.client.trpc.tokens.create.mutate({
    name: `A token ${tag}`,
    scopes: ['projects:read', 'notes:read'],
  });
  await b.client.trpc.projects.create.mutate({ name: `Beta project ${tag}` });
  return {
    a,
    b,
    project: { id: p.id, name: p.name, description: p.description },
    note: { id: n.id, title: n.title, body: n.body },
    invitationId: inv.invitation.id,
    token: { id: tok.tokenInfo.id, secret: tok.token },
  };
}

/** Asserts A's objects are exactly as A left them. */
async function expectAUntouched(f: Fixture): Promise<void> {
  const t = f.a.client.trpc;
  const p = await t.projects.get.query({ id: f.project.id });
  expect({ name: p.name, description: p.description }).toEqual({
    name: f.project.name,
    description: f.project.description,
  });
  const n = await t.notes.get.query({ id: f.note.id });
  expect({ title: n.title, body: n.body, projectId: n.projectId }).toEqual({
    title: f.note.title,
    body: f.note.body,
    projectId: f.project.id,
  });
  expect((await t.notes.list.query({ projectId: f.project.id })).map((x) => x.id)).toEqual([f.note.id]);
  const invs = await t.invitations.list.query();
  expect(invs.find((i) => i.id === f.invitationId)?.status).toBe('pending');
  const toks = await t.tokens.list.query();
  expect(toks.find((x) => x.id === f.token.id)?.revokedAt).toBeNull();
  const members = await t.members.list.query();
  expect(members.map((m) => ({ userId: m.userId, role: m.role }))).toEqual([{ userId: f.a.userId, role: 'owner' }]);
  // A's token still works.
  const rest = new TestClient(f.a.client.baseUrl);
  rest.bearer = f.token.secret;
  const res = await rest.raw(`/api/v1/projects/${f.project.id}/notes`);
  expect(res.status).toBe(200);
}

const expect404 = async (fn: () => Promise<unknown>) => {
  const err = await trpcError(fn);
  expect({ httpStatus: err.httpStatus, code: err.code }).toEqual({ httpStatus: 404, code: 'NOT_FOUND' });
  return err;
};

describe.each(dbKinds)('cross-tenant isolation on %s', (kind) => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer(kind);
  });
  afterAll(() => server.close());

  it("B, acting in workspace B, gets NOT_FOUND for every one of A's ids, and A's data is unchanged afterwards", async () => {
    const f = await setUp(server);
    const t = f.b.client.trpc;
    expect(f.b.client.tenantId).toBe(f.b.tenantId);

    await expect404(() => t.projects.get.query({ id: f.project.id }));
    await expect404(() => t.projects.update.mutate({ id: f.project.id, name: 'hijacked', description: 'hijacked' }));
    await expect404(() => t.projects.delete.mutate({ id: f.project.id }));

    await expect404(() => t.notes.get.query({ id: f.note.id }));
    await expect404(() => t.notes.update.mutate({ id: f.note.id, title: 'hijacked', body: 'hijacked' }));
    await expect404(() => t.notes.delete.mutate({ id: f.note.id }));
    await expect404(() => t.notes.list.query({ projectId: f.project.id }));
    await expect404(() => t.notes.list.query({ projectId: f.project.id, query: 'Launch' }));
    await expect404(() => t.notes.create.mutate({ projectId: f.project.id, title: 'planted', body: 'planted by B' }));

    await expect404(() => t.invitations.revoke.mutate({ id: f.invitationId }));
    await expect404(() => t.tokens.revoke.mutate({ id: f.token.id }));

    await expect404(() => t.members.updateRole.mutate({ userId: f.a.userId, role: 'viewer' }));
    await expect404(() => t.members.remove.mutate({ userId: f.a.userId }));

    const tokErr = await expect404(() =>
      t.tokens.create.mutate({ name: 'pinned to A', scopes: ['projects:read'], projectId: f.project.id }),
    );
    expect(tokErr.fieldErrors?.projectId).toBeDefined();
    expect((await t.tokens.list.query()).filter((x) => x.projectId === f.project.id)).toEqual([]);

    await expectAUntouched(f);
    // Nothing B tried landed in B's workspace either.
    expect((await t.projects.list.query()).map((p) => p.name)).not.toContain('hijacked');
  });

  it("B naming A's workspace (or a made-up one) in x-nyx-tenant gets NOT_FOUND", async () => {
    const f = await setUp(server);
    const b = f.b.client;

    b.tenantId = f.a.tenantId;
    await expect404(() => b.trpc.projects.list.query());
    await expect404(() => b.trpc.workspaces.current.query());
    await expect404(() => b.trpc.projects.get.query({ id: f.project.id }));
    await expect404(() => b.trpc.notes.get.query({ id: f.note.id }));
    await expect404(() => b.trpc.members.list.query());
    await expect404(() => b.trpc.projects.update.mutate({ id: f.project.id, name: 'hijacked' }));
    await expect404(() => b.trpc.invitations.revoke.mutate({ id: f.invitationId }));
    await expect404(() => b.trpc.tokens.revoke.mutate({ id: f.token.id }));
    await expect404(() => b.trpc.workspaces.rename.mutate({ name: 'hijacked' }));

    for (const bogus of [randomUUID(), 'not-a-uuid', "' or 1=1 --"]) {
      b.tenantId = bogus;
      await expect404(() => b.trpc.projects.list.query());
      await expect404(() => b.trpc.workspaces.current.query());
    }

    b.tenantId = f.b.tenantId;
    expect((await b.trpc.workspaces.current.query()).id).toBe(f.b.tenantId);
    await expectAUntouched(f);
    const a = await f.a.client.trpc.workspaces.current.query();
    expect(a.name).toMatch(/^Alpha /);
  });

  it("B's lists and searches never contain A's rows", async () => {
    const f = await setUp(server);
    const t = f.b.client.trpc;
    const aIds = new Set([f.project.id, f.note.id, f.invitationId, f.token.id, f.a.userId, f.a.tenantId]);
    const leaks = (rows: unknown) => {
      const text = JSON.stringify(rows);
      return [...aIds, f.project.name, f.a.email].filter((s) => text.includes(s));
    };

    const projects = await t.projects.list.query();
    expect(projects.map((p) => p.name)).toEqual([expect.stringMatching(/^Beta project /)]);
    expect(leaks(projects)).toEqual([]);
    expect(await t.projects.list.query({ query: f.project.name })).toEqual([]);
    expect(await t.projects.list.query({ query: 'Secret' })).toEqual([]);

    const invitations = await t.invitations.list.query();
    expect(invitations).toEqual([]);
    const tokens = await t.tokens.list.query();
    expect(tokens).toEqual([]);

    const members = await t.members.list.query();
    expect(members.map((m) => m.userId)).toEqual([f.b.userId]);
    expect(leaks(members)).toEqual([]);

    const audit = await t.audit.list.query({ limit: 200 });
    expect(audit.items.length).toBeGreaterThan(0);
    expect(new Set(audit.items.map((e) => e.tenantId))).toEqual(new Set([f.b.tenantId]));
    expect(leaks(audit)).toEqual([]);
    for (const action of ['invitation.created', 'token.created']) {
      expect((await t.audit.list.query({ limit: 200, action })).items).toEqual([]);
    }

    const workspaces = await t.workspaces.list.query();
    expect(workspaces.map((w) => w.id)).toEqual([f.b.tenantId]);
    expect(leaks(workspaces)).toEqual([]);

    // The same lists as A do contain A's rows, so the checks above are not vacuous.
    const at = f.a.client.trpc;
    expect((await at.projects.list.query({ query: f.project.name })).map((p) => p.id)).toEqual([f.project.id]);
    expect((await at.invitations.list.query()).map((i) => i.id)).toEqual([f.invitationId]);
    expect((await at.tokens.list.query()).map((x) => x.id)).toEqual([f.token.id]);
    expect((await at.audit.list.query({ limit: 200, action: 'token.created' })).items.map((e) => e.targetId)).toEqual([
      f.token.id,
    ]);
  });

  it("B's API token cannot read A's project over REST, and lists only B's projects", async () => {
    const f = await setUp(server);
    const created = await f.b.client.trpc.tokens.create.mutate({
      name: 'B cli',
      scopes: ['projects:read', 'notes:read'],
    });
    const rest = new TestClient(server.url);
    rest.bearer = created.token;

    const notes = await rest.raw(`/api/v1/projects/${f.project.id}/notes`);
    expect(notes.status).toBe(404);
    const notesBody = (await notes.json()) as { error: { code: string; message: string } };
    expect(notesBody.error.code).toBe('NOT_FOUND');
    expect(JSON.stringify(notesBody)).not.toContain(f.note.title);

    const search = await rest.raw(`/api/v1/projects/${f.project.id}/notes?query=Launch`);
    expect(search.status).toBe(404);

    const list = await rest.raw('/api/v1/projects');
    expect(list.status).toBe(200);
    const listBody = (await list.json()) as { projects: { id: string; name: string }[] };
    expect(listBody.projects.map((p) => p.name)).toEqual([expect.stringMatching(/^Beta project /)]);
    expect(JSON.stringify(listBody)).not.toContain(f.project.id);

    const searched = await rest.raw(`/api/v1/projects?query=${encodeURIComponent(f.project.name)}`);
    expect(searched.status).toBe(200);
    expect(((await searched.json()) as { projects: unknown[] }).projects).toEqual([]);

    // The token is bound to B's workspace: asking for A's via the header is refused, not honoured.
    rest.tenantId = f.a.tenantId;
    const redirected = await rest.raw('/api/v1/projects');
    expect([403, 404]).toContain(redirected.status);
    expect(JSON.stringify(await redirected.json())).not.toContain(f.project.id);

    // Over tRPC the token is equally confined.
    rest.tenantId = null;
    await expect404(() => rest.trpc.projects.get.query({ id: f.project.id }));
    await expect404(() => rest.trpc.notes.get.query({ id: f.note.id }));

    await expectAUntouched(f);
  });
});
