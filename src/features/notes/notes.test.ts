import { describe, expect, it } from 'vitest';
import { dbKinds, newUser, trpcError, type TestServer } from '../../testing/harness.js';
import { useServer } from '../../testing/suite.js';

describe.each(dbKinds)('projects and notes on %s', (kind) => {
  let server: TestServer;
  useServer(kind, (s) => (server = s));

  it('creates, edits, lists with note counts, and deletes projects and their notes', async () => {
    const a = await newUser(server);
    const p = await a.client.trpc.projects.create.mutate({ name: 'Apollo', description: 'moon' });
    const q = await a.client.trpc.projects.create.mutate({ name: 'Gemini' });
    await a.client.trpc.notes.create.mutate({ projectId: p.id, title: 'one', body: 'a' });
    await a.client.trpc.notes.create.mutate({ projectId: p.id, title: 'two', body: 'b' });
    const list = await a.client.trpc.projects.list.query({});
    expect(Object.fromEntries(list.map((x) => [x.name, x.noteCount]))).toEqual({ Apollo: 2, Gemini: 0 });
    expect((await a.client.trpc.projects.list.query({ query: 'gem' })).map((x) => x.name)).toEqual(['Gemini']);

    const dup = await trpcError(() => a.client.trpc.projects.create.mutate({ name: 'apollo' }));
    expect(dup.httpStatus).toBe(409);
    expect(dup.fieldErrors?.name).toBeDefined();
    expect((await trpcError(() => a.client.trpc.projects.update.mutate({ id: q.id, name: 'APOLLO' }))).httpStatus).toBe(
      409,
    );
    const renamed = await a.client.trpc.projects.update.mutate({
      id: q.id,
      name: 'Gemini II',
      description: 'two seats',
    });
    expect(renamed).toMatchObject({ name: 'Gemini II', description: 'two seats' });
    expect(renamed.updatedAt.getTime()).toBeGreaterThanOrEqual(q.updatedAt.getTime());

    await a.client.trpc.projects.delete.mutate({ id: p.id });
    expect((await a.client.trpc.projects.list.query({})).map((x) => x.name)).toEqual(['Gemini II']);
    expect(await server.database.raw('select id from project_notes where project_id = $1', [p.id])).toEqual([]);
    const audit = (await a.client.trpc.audit.list.query({ limit: 10 })).items.map((i) => i.action);
    expect(audit).toContain('project.deleted');
  });

  it('stores Markdown verbatim, updates it, and finds notes by stemmed words, title and partial words', async () => {
    const a = await newUser(server);
    const p = await a.client.trpc.projects.create.mutate({ name: 'Docs' });
    const body =
      '# Deploy\n\n- rotate the **keys**\n- <script>alert(1)</script> stays text for the renderer to sanitise\n';
    const n1 = await a.client.trpc.notes.create.mutate({ projectId: p.id, title: 'Runbook', body });
    await a.client.trpc.notes.create.mutate({ projectId: p.id, title: 'Deploying the rockets', body: 'countdown' });
    await a.client.trpc.notes.create.mutate({ projectId: p.id, title: 'Groceries', body: 'milk and bread' });
    expect((await a.client.trpc.notes.get.query({ id: n1.id })).body).toBe(body);

    const deploy = await a.client.trpc.notes.list.query({ projectId: p.id, query: 'deploy' });
    expect(deploy.map((n) => n.title)).toEqual(['Deploying the rockets', 'Runbook']);
    expect(
      (await a.client.trpc.notes.list.query({ projectId: p.id, query: 'rotating keys' })).map((n) => n.title),
    ).toEqual(['Runbook']);
    expect((await a.client.trpc.notes.list.query({ projectId: p.id, query: 'groc' })).map((n) => n.title)).toEqual([
      'Groceries',
    ]);
    expect(await a.client.trpc.notes.list.query({ projectId: p.id, query: 'zebra' })).toEqual([]);
    expect((await a.client.trpc.notes.list.query({ projectId: p.id, query: '100%_' })).length).toBe(0);

    // Excerpts are the note's words, not its Markdown, and with a query the passage around the match.
    const [plain] = await a.client.trpc.notes.list.query({ projectId: p.id, query: 'rotating keys' });
    expect(plain?.excerpt).toBe(
      'Deploy \uE000rotate\uE001 the \uE000keys\uE001 alert(1) stays text for the renderer to sanitise',
    );
    const filler = 'Routine words about other subsystems and their owners. '.repeat(20);
    await a.client.trpc.notes.create.mutate({
      projectId: p.id,
      title: 'Payments',
      body: `# Intro\n\n${filler}\n\n## Retries\n\nThe **payments** gateway retries charges. ${filler}`,
    });
    const [around] = await a.client.trpc.notes.list.query({ projectId: p.id, query: 'gateway' });
    expect(around?.excerpt).toMatch(/^… .*payments \uE000gateway\uE001 retries charges.* …$/);
    expect(around?.excerpt).not.toMatch(/[#*]/);
    const [partial] = await a.client.trpc.notes.list.query({ projectId: p.id, query: 'gatew' });
    expect(partial?.excerpt).toContain('payments \uE000gatew\uE001ay retries');
    const all = await a.client.trpc.notes.list.query({ projectId: p.id });
    expect(all.find((n) => n.title === 'Payments')?.excerpt).toMatch(/^Intro Routine words/);

    const updated = await a.client.trpc.notes.update.mutate({ id: n1.id, body: 'now about zebras' });
    expect(updated).toMatchObject({ title: 'Runbook', body: 'now about zebras' });
    expect((await a.client.trpc.notes.list.query({ projectId: p.id, query: 'zebra' })).map((n) => n.title)).toEqual([
      'Runbook',
    ]);
    await a.client.trpc.notes.delete.mutate({ id: n1.id });
    expect((await trpcError(() => a.client.trpc.notes.get.query({ id: n1.id }))).httpStatus).toBe(404);
    expect((await a.client.trpc.notes.list.query({ projectId: p.id })).length).toBe(3);
  });
});
