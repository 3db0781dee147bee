// One file on purpose (517 lines): the pin table must name every mutation of the router in one place, so a new one cannot ship unclassified.
/**
 * The pin rule across every mutation, table-driven: a token pinned to project P1 (with every
 * scope its owner has) tries each mutation against another project (P2) and against
 * workspace-wide rows, and must be refused; where the mutation is project-scoped it must
 * still work inside P1. The table has to name every mutation of the router, so a new one
 * cannot ship unclassified.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scopes } from '../platform/access/scopes.js';
import {
  dbKinds,
  newUser,
  startTestServer,
  TestClient,
  trpcError,
  type TestServer,
  type TestUser,
} from '../testing/harness.js';
import { appRouter } from './router.js';

interface Fixture {
  owner: TestUser;
  p1: string;
  p2: string;
  ids: Record<string, string>;
  /** A fresh row in P1 the pinned token may legitimately consume (deleted, say). */
  fresh: Record<string, () => Promise<string>>;
}

type Input = (f: Fixture) => unknown;
type Rule =
  /** Not a tenant procedure: no token involved. */
  | { kind: 'public' }
  /** Account-level: refused to every API token. */
  | { kind: 'session'; input: Input }
  /** Acts on the whole workspace: refused to a pinned token. */
  | { kind: 'workspace'; input: Input }
  /** Project-scoped: every escape is refused, `inside` (when given) succeeds. */
  | { kind: 'project'; escapes: Input[]; inside?: (f: Fixture) => unknown };

const step = { name: 'Summary', prompt: 'Summarise for an engineer:\n\n{{input}}' };
const wfDef = (projectId: string | null, extra: Record<string, unknown> = {}) => ({
  name: `wf ${randomUUID().slice(0, 4)}`,
  projectId,
  steps: [step],
  ...extra,
});
const talk = (projectId?: string) => ({
  title: 'Talk',
  mode: 'single',
  participants: [{ provider: 'offline' }],
  ...(projectId ? { projectId } : {}),
});
/** A local-path repository (any absolute directory is allowed in embedded mode). */
const repo = (projectId: string) => ({
  projectId,
  name: `repo ${randomUUID().slice(0, 6)}`,
  source: 'local_path',
  path: os.tmpdir(),
});
const insight = (projectId: string) => ({
  projectId,
  title: 'Retries pile up',
  type: 'pain_point',
  severity: 'medium',
});

const rules: Record<string, Rule> = {
  'auth.signUp': { kind: 'public' },
  'auth.signIn': { kind: 'public' },
  'auth.signOut': { kind: 'session', input: () => undefined },
  'auth.signOutEverywhere': { kind: 'session', input: () => undefined },
  'workspaces.create': { kind: 'session', input: () => ({ name: 'Escape hatch' }) },
  'invitations.accept': { kind: 'session', input: (f) => ({ token: f.ids.invitationToken }) },
  'workspaces.rename': { kind: 'workspace', input: () => ({ name: 'Renamed by a pinned token' }) },
  'members.updateRole': { kind: 'workspace', input: (f) => ({ userId: f.ids.member, role: 'admin' }) },
  'members.remove': { kind: 'workspace', input: (f) => ({ userId: f.ids.member }) },
  'invitations.create': { kind: 'workspace', input: () => ({ role: 'admin' }) },
  'invitations.revoke': { kind: 'workspace', input: (f) => ({ id: f.ids.invitation }) },
  'projects.create': { kind: 'workspace', input: () => ({ name: 'Another project' }) },
  'llm.keys.add': {
    kind: 'workspace',
    input: () => ({ name: 'mine', kind: 'openai', apiKey: 'sk-test-000000000000' }),
  },
  'llm.keys.remove': { kind: 'workspace', input: (f) => ({ id: f.ids.key }) },
  'llm.keys.test': { kind: 'workspace', input: (f) => ({ id: f.ids.key }) },
  'llm.settings.update': { kind: 'workspace', input: () => ({ monthlyBudgetUsd: 1 }) },
  'llm.catalog.upsert': {
    kind: 'workspace',
    input: () => ({ provider: 'openai', model: 'm', contextWindow: 1000, inputPerMTok: 0, outputPerMTok: 0 }),
  },
  'llm.catalog.remove': { kind: 'workspace', input: () => ({ provider: 'openai', model: 'gpt-4o-mini' }) },
  'memory.settings.update': { kind: 'workspace', input: () => ({ vectorWeight: 0.5 }) },
  'insights.backfill': { kind: 'workspace', input: () => undefined },
  'tokens.create': {
    kind: 'project',
    escapes: [
      () => ({ name: 'x', scopes: ['projects:read', 'notes:read'] }),
      (f) => ({ name: 'x', scopes: ['notes:read'], projectId: f.p2 }),
    ],
    inside: (f) => ({ name: 'child', scopes: ['notes:read'], projectId: f.p1 }),
  },
  'tokens.revoke': {
    kind: 'project',
    escapes: [(f) => ({ id: f.ids.tokenP2 }), (f) => ({ id: f.ids.tokenWide })],
    inside: async (f) => ({ id: await f.fresh.token!() }),
  },
  'projects.update': {
    kind: 'project',
    escapes: [(f) => ({ id: f.p2, name: 'Hijacked' })],
    inside: (f) => ({ id: f.p1, description: 'edited through the pin' }),
  },
  'projects.delete': { kind: 'project', escapes: [(f) => ({ id: f.p2 })] },
  'notes.create': {
    kind: 'project',
    escapes: [(f) => ({ projectId: f.p2, title: 'planted' })],
    inside: (f) => ({ projectId: f.p1, title: 'fine' }),
  },
  'notes.update': {
    kind: 'project',
    escapes: [(f) => ({ id: f.ids.noteP2, title: 'edited' })],
    inside: (f) => ({ id: f.ids.noteP1, title: 'edited' }),
  },
  'notes.delete': {
    kind: 'project',
    escapes: [(f) => ({ id: f.ids.noteP2 })],
    inside: async (f) => ({ id: await f.fresh.note!() }),
  },
  'personas.create': {
    kind: 'project',
    escapes: [
      () => ({ name: 'Wide', systemPrompt: 'You help engineers.' }),
      (f) => ({ name: 'Other', systemPrompt: 'You help engineers.', projectId: f.p2 }),
    ],
    inside: (f) => ({ name: 'Local', systemPrompt: 'You help engineers.', projectId: f.p1 }),
  },
  'personas.update': {
    kind: 'project',
    escapes: [(f) => ({ id: f.ids.personaWide, name: 'Pwned' }), (f) => ({ id: f.ids.personaP2, name: 'Pwned' })],
    inside: (f) => ({ id: f.ids.personaP1, name: 'Renamed' }),
  },
  'personas.delete': {
    kind: 'project',
    escapes: [(f) => ({ id: f.ids.personaWide }), (f) => ({ id: f.ids.personaP2 })],
    inside: async (f) => ({ id: await f.fresh.persona!() }),
  },
  'personas.try': {
    kind: 'project',
    escapes: [(f) => ({ id: f.ids.personaP2, message: 'hello' })],
    inside: (f) => ({ id: f.ids.personaWide, message: 'The cache expires after 5 minutes.' }),
  },
  'memory.entries.create': {
    kind: 'project',
    escapes: [
      () => ({ title: 'wide' }),
      (f) => ({ title: 'other', projectId: f.p2 }),
      () => ({ title: 'null', projectId: null }),
    ],
    inside: (f) => ({ title: 'local', projectId: f.p1 }),
  },
  'memory.entries.update': {
    kind: 'project',
    escapes: [
      (f) => ({ id: f.ids.entryWide, title: 'x' }),
      (f) => ({ id: f.ids.entryP2, title: 'x' }),
      (f) => ({ id: f.ids.entryP1, projectId: null }),
      (f) => ({ id: f.ids.entryP1, projectId: f.p2 }),
    ],
    inside: (f) => ({ id: f.ids.entryP1, title: 'edited' }),
  },
  'memory.entries.delete': {
    kind: 'project',
    escapes: [(f) => ({ id: f.ids.entryWide }), (f) => ({ id: f.ids.entryP2 })],
    inside: async (f) => ({ id: await f.fresh.entry!() }),
  },
  'insights.create': { kind: 'project', escapes: [(f) => insight(f.p2)], inside: (f) => insight(f.p1) },
  'insights.update': {
    kind: 'project',
    escapes: [(f) => ({ id: f.ids.insightP2, title: 'x' })],
    inside: (f) => ({ id: f.ids.insightP1, title: 'edited' }),
  },
  'insights.approve': {
    kind: 'project',
    escapes: [(f) => ({ id: f.ids.insightP2 })],
    inside: (f) => ({ id: f.ids.insightP1 }),
  },
  'insights.reject': {
    kind: 'project',
    escapes: [(f) => ({ id: f.ids.insightP2 })],
    inside: (f) => ({ id: f.ids.insightP1 }),
  },
  'insights.pair': {
    kind: 'project',
    escapes: [(f) => ({ id: f.ids.insightP1, pairedWith: f.ids.insightP2 })],
    inside: (f) => ({ id: f.ids.insightP1, pairedWith: f.ids.solutionP1 }),
  },
  'workflows.create': { kind: 'project', escapes: [() => wfDef(null), (f) => wfDef(f.p2)], inside: (f) => wfDef(f.p1) },
  'workflows.update': {
    kind: 'project',
    escapes: [
      (f) => ({ id: f.ids.workflowP2, ...wfDef(f.p2) }),
      (f) => ({ id: f.ids.workflowP1, ...wfDef(f.p2) }),
      (f) => ({ id: f.ids.workflowP1, ...wfDef(f.p1, { memoryInsightIds: [f.ids.insightP2] }) }),
    ],
    inside: (f) => ({ id: f.ids.workflowP1, ...wfDef(f.p1) }),
  },
  'workflows.delete': {
    kind: 'project',
    escapes: [(f) => ({ id: f.ids.workflowP2 })],
    inside: async (f) => ({ id: await f.fresh.workflow!() }),
  },
  'workflows.clone': {
    kind: 'project',
    escapes: [(f) => ({ id: f.ids.workflowP2 })],
    inside: (f) => ({ id: f.ids.workflowP1 }),
  },
  'workflows.fromTemplate': {
    kind: 'project',
    escapes: [
      () => ({ templateId: 'security-review', projectId: null }),
      (f) => ({ templateId: 'security-review', projectId: f.p2 }),
    ],
    inside: (f) => ({ templateId: 'security-review', projectId: f.p1 }),
  },
  'workflows.run': {
    kind: 'project',
    escapes: [(f) => ({ workflowId: f.ids.workflowP2, input: 'x' })],
    inside: (f) => ({ workflowId: f.ids.workflowP1, input: 'The queue retries three times.' }),
  },
  'runs.cancel': { kind: 'project', escapes: [(f) => ({ id: f.ids.runP2 })] },
  'runs.retry': {
    kind: 'project',
    escapes: [(f) => ({ id: f.ids.runP2, fromStep: 0 })],
    inside: (f) => ({ id: f.ids.runP1, fromStep: 0 }),
  },
  'discussions.create': { kind: 'project', escapes: [() => talk(), (f) => talk(f.p2)], inside: (f) => talk(f.p1) },
  'discussions.update': {
    kind: 'project',
    escapes: [(f) => ({ id: f.ids.discussionP2, title: 'x' })],
    inside: (f) => ({ id: f.ids.discussionP1, title: 'Renamed' }),
  },
  'discussions.delete': {
    kind: 'project',
    escapes: [(f) => ({ id: f.ids.discussionP2 })],
    inside: async (f) => ({ id: await f.fresh.discussion!() }),
  },
  'discussions.send': {
    kind: 'project',
    escapes: [(f) => ({ id: f.ids.discussionP2, content: 'hi' })],
    inside: (f) => ({ id: f.ids.discussionP1, content: 'We deploy twice a day.' }),
  },
  'discussions.continue': { kind: 'project', escapes: [(f) => ({ id: f.ids.discussionP2 })] },
  'repositories.create': {
    kind: 'project',
    escapes: [(f) => repo(f.p2)],
    inside: (f) => repo(f.p1),
  },
  'repositories.update': {
    kind: 'project',
    escapes: [(f) => ({ id: f.ids.repoP2, name: 'Hijacked' })],
    inside: (f) => ({ id: f.ids.repoP1, name: `Renamed ${randomUUID().slice(0, 4)}` }),
  },
  'repositories.delete': {
    kind: 'project',
    escapes: [(f) => ({ id: f.ids.repoP2 })],
    inside: async (f) => ({ id: await f.fresh.repo!() }),
  },
  'repositories.sync': {
    kind: 'project',
    escapes: [(f) => ({ id: f.ids.repoP2 })],
    inside: (f) => ({ id: f.ids.repoP1 }),
  },
  'analysis.start': {
    kind: 'project',
    escapes: [(f) => ({ repositoryId: f.ids.codeRepoP2 })],
    inside: (f) => ({ repositoryId: f.ids.codeRepoP1 }),
  },
  'analysis.cancel': {
    kind: 'project',
    escapes: [(f) => ({ id: f.ids.analysisP2 })],
    inside: (f) => ({ id: f.ids.analysisP1 }),
  },
  'findings.ignore': {
    kind: 'project',
    escapes: [(f) => ({ id: f.ids.findingP2, reason: 'false-positive' })],
    inside: (f) => ({ id: f.ids.findingP1, reason: 'used-in-tests', note: 'fixture' }),
  },
  'findings.unignore': {
    kind: 'project',
    escapes: [(f) => ({ id: f.ids.findingP2 })],
    inside: (f) => ({ id: f.ids.findingP1 }),
  },
  'discussions.stop': {
    kind: 'project',
    escapes: [(f) => ({ id: f.ids.discussionP2 })],
    inside: (f) => ({ id: f.ids.discussionP1 }),
  },
};

const mutationPaths = Object.entries(
  (appRouter as unknown as { _def: { procedures: Record<string, { _def: { type: string } }> } })._def.procedures,
)
  .filter(([, p]) => p._def.type === 'mutation')
  .map(([path]) => path)
  .sort();

/** Calls any procedure by its dotted path through the typed client's proxy. */
function call(client: TestClient, path: string, input: unknown): Promise<unknown> {
  const target = path
    .split('.')
    .reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], client.trpc) as {
    mutate: (i: unknown) => Promise<unknown>;
  };
  return target.mutate(input);
}

async function waitForAnalysis(owner: TestUser, id: string): Promise<void> {
  for (let i = 0; i < 400; i++) {
    const run = await owner.client.trpc.analysis.get.query({ id });
    if (['completed', 'failed', 'cancelled'].includes(run.status)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`analysis ${id} did not finish`);
}

async function waitForRun(owner: TestUser, id: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const run = await owner.client.trpc.runs.get.query({ id });
    if (['completed', 'failed', 'cancelled'].includes(run.status)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`run ${id} did not finish`);
}

describe('the pin table', () => {
  it('classifies every mutation of the API', () => {
    expect(Object.keys(rules).sort()).toEqual(mutationPaths);
  });
});

describe.each(dbKinds)('a project-pinned token across every mutation on %s', (kind) => {
  let server: TestServer;
  let f: Fixture;
  let pinned: TestClient;
  let unpinned: TestClient;

  beforeAll(async () => {
    server = await startTestServer(kind);
    const owner = await newUser(server);
    const o = owner.client.trpc;
    const p1 = (await o.projects.create.mutate({ name: 'Pinned' })).id;
    const p2 = (await o.projects.create.mutate({ name: 'Other' })).id;
    const member = await newUser(server, { workspace: null });
    const inv = await o.invitations.create.mutate({ role: 'member' });
    await member.client.trpc.invitations.accept.mutate({ token: inv.token });
    const spare = await o.invitations.create.mutate({ role: 'viewer' });
    const key = await o.llm.keys.add.mutate({ name: 'acme', kind: 'openai', apiKey: 'sk-test-1111111111111111' });
    const mint = async (projectId?: string) =>
      (await o.tokens.create.mutate({ name: 't', scopes: ['notes:read'], ...(projectId ? { projectId } : {}) }))
        .tokenInfo.id;
    const persona = async (projectId?: string) =>
      (
        await o.personas.create.mutate({
          name: `P ${randomUUID().slice(0, 4)}`,
          systemPrompt: 'You help engineers.',
          ...(projectId ? { projectId } : {}),
        })
      ).id;
    const entry = async (projectId?: string) =>
      (
        await o.memory.entries.create.mutate({
          title: 'Deploys',
          content: 'Blue-green',
          ...(projectId ? { projectId } : {}),
        })
      ).id;
    const note = async (projectId: string) => (await o.notes.create.mutate({ projectId, title: 'Plan' })).id;
    const workflow = async (projectId: string) => (await o.workflows.create.mutate(wfDef(projectId))).id;
    const discussion = async (projectId: string) =>
      (
        await o.discussions.create.mutate({
          title: 'Talk',
          mode: 'single',
          participants: [{ provider: 'offline' }],
          projectId,
        })
      ).id;
    const repository = async (projectId: string) => (await o.repositories.create.mutate(repo(projectId) as never)).id;
    const workflowP1 = await workflow(p1);
    const workflowP2 = await workflow(p2);
    const runP1 = (await o.workflows.run.mutate({ workflowId: workflowP1, input: 'Retries pile up.' })).id;
    const runP2 = (await o.workflows.run.mutate({ workflowId: workflowP2, input: 'Retries pile up.' })).id;
    await waitForRun(owner, runP1);
    await waitForRun(owner, runP2);
    // A small repository with one finding, analysed once per project.
    const code = await mkdtemp(path.join(os.tmpdir(), 'nyx-pin-code-'));
    await writeFile(path.join(code, 'run.js'), 'module.exports = (code) => eval(code);\n');
    const codeRepo = async (projectId: string) =>
      (await o.repositories.create.mutate({ ...repo(projectId), path: code } as never)).id;
    const codeRepoP1 = await codeRepo(p1);
    const codeRepoP2 = await codeRepo(p2);
    const analysisP1 = (await o.analysis.start.mutate({ repositoryId: codeRepoP1 })).id;
    const analysisP2 = (await o.analysis.start.mutate({ repositoryId: codeRepoP2 })).id;
    await waitForAnalysis(owner, analysisP1);
    await waitForAnalysis(owner, analysisP2);
    const findingOf = async (repositoryId: string) => {
      const [first] = (await o.findings.list.query({ repositoryId })).items;
      if (!first) throw new Error('the fixture repository has no finding');
      return first.id;
    };
    f = {
      owner,
      p1,
      p2,
      ids: {
        member: member.userId,
        invitation: spare.invitation.id,
        invitationToken: (await o.invitations.create.mutate({ role: 'viewer' })).token,
        key: key.id,
        tokenP2: await mint(p2),
        tokenWide: await mint(),
        noteP1: await note(p1),
        noteP2: await note(p2),
        personaWide: await persona(),
        personaP1: await persona(p1),
        personaP2: await persona(p2),
        entryWide: await entry(),
        entryP1: await entry(p1),
        entryP2: await entry(p2),
        insightP1: (await o.insights.create.mutate(insight(p1) as never)).id,
        solutionP1: (
          await o.insights.create.mutate({ ...insight(p1), title: 'Cap retries', type: 'solution' } as never)
        ).id,
        insightP2: (await o.insights.create.mutate(insight(p2) as never)).id,
        workflowP1,
        workflowP2,
        runP1,
        runP2,
        discussionP1: await discussion(p1),
        discussionP2: await discussion(p2),
        repoP1: await repository(p1),
        repoP2: await repository(p2),
        codeRepoP1,
        codeRepoP2,
        analysisP1,
        analysisP2,
        findingP1: await findingOf(codeRepoP1),
        findingP2: await findingOf(codeRepoP2),
      },
      fresh: {
        token: () => mint(p1),
        note: () => note(p1),
        persona: () => persona(p1),
        entry: () => entry(p1),
        workflow: () => workflow(p1),
        discussion: () => discussion(p1),
        repo: () => repository(p1),
      },
    };
    // Every scope the owner has, pinned to P1: only the pin stands between it and the workspace.
    const { token } = await o.tokens.create.mutate({ name: 'pinned', scopes: [...scopes], projectId: p1 });
    pinned = new TestClient(server.url);
    pinned.bearer = token;
    const wide = await o.tokens.create.mutate({ name: 'wide', scopes: [...scopes] });
    unpinned = new TestClient(server.url);
    unpinned.bearer = wide.token;
  });
  afterAll(() => server.close());

  for (const path of mutationPaths) {
    const rule = rules[path];
    if (!rule || rule.kind === 'public') continue;
    it(`${path} (${rule.kind})`, async () => {
      if (rule.kind === 'session') {
        for (const client of [pinned, unpinned]) {
          const err = await trpcError(() => call(client, path, rule.input(f)));
          expect(err.httpStatus, path).toBe(403);
        }
        return;
      }
      if (rule.kind === 'workspace') {
        const err = await trpcError(() => call(pinned, path, rule.input(f)));
        expect(err.httpStatus, path).toBe(403);
        expect(err.message).toMatch(/pinned to a project/);
        return;
      }
      for (const [i, escape] of rule.escapes.entries()) {
        const err = await trpcError(() => call(pinned, path, escape(f)));
        expect([400, 403, 404], `${path} escape #${i}: ${err.message}`).toContain(err.httpStatus);
      }
      if (rule.inside) await expect(call(pinned, path, await rule.inside(f))).resolves.toBeDefined();
    });
  }

  it('a token minted by a pinned token is pinned too, and cannot read the other project', async () => {
    const { token, tokenInfo } = await (call(pinned, 'tokens.create', {
      name: 'child',
      scopes: ['projects:read', 'notes:read'],
      projectId: f.p1,
    }) as Promise<{ token: string; tokenInfo: { projectId: string | null } }>);
    expect(tokenInfo.projectId).toBe(f.p1);
    const child = new TestClient(server.url);
    child.bearer = token;
    expect((await trpcError(() => child.trpc.notes.list.query({ projectId: f.p2 }))).httpStatus).toBe(403);
    // Nothing the escapes tried was written: P2 still has only its own note, the workspace keeps its name.
    const notes = await f.owner.client.trpc.notes.list.query({ projectId: f.p2 });
    expect(notes.map((n) => n.title)).toEqual(['Plan']);
    const ws = await f.owner.client.trpc.workspaces.current.query();
    expect(ws.name).not.toMatch(/pinned token/);
    const personas = await f.owner.client.trpc.personas.get.query({ id: f.ids.personaWide! });
    expect(personas.name).not.toBe('Pwned');
  });
});
