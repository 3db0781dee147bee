/**
 * The memory use cases that span transactions, called as a service (no HTTP): commit, embed
 * outside the transaction, read back; and wisdom only for a project the caller may see.
 */
import { describe, expect, it } from 'vitest';
import type { TenantGrant } from '../../platform/access/tenant-access.js';
import { effectiveScopes } from '../../platform/access/scopes.js';
import { llmDepsOf } from '../../platform/deps.js';
import type { FakeLlmServer } from '../../testing/fake-llm-server.js';
import { dbKinds, newUser, type TestServer, type TestUser } from '../../testing/harness.js';
import { addFakeKey } from '../../testing/fake-keys.js';
import { useServers } from '../../testing/suite.js';
import {
  createEntryEmbedded,
  createInsightEmbedded,
  projectWisdom,
  updateEntryEmbedded,
  updateInsightEmbedded,
} from './commands.js';

describe.each(dbKinds)('memory commands on %s', (kind) => {
  let server: TestServer;
  let fake: FakeLlmServer;
  useServers(kind, (s) => ({ server, fake } = s));

  const grantOf = (u: TestUser, projectPin: string | null = null): TenantGrant => ({
    tenantId: u.tenantId,
    userId: u.userId,
    role: 'owner',
    scopes: effectiveScopes('owner', null),
    projectPin,
    ip: null,
  });

  it('saves, embeds and returns an entry; a text change re-embeds it, a move alone keeps its vector', async () => {
    const u = await newUser(server);
    const deps = llmDepsOf(server.deps);
    const p = await u.client.trpc.projects.create.mutate({ name: 'Commands' });
    const e = await createEntryEmbedded(deps, grantOf(u), {
      title: 'Rotate keys',
      content: 'Rotate the signing keys every quarter.',
      tags: ['ops'],
      source: 'manual',
      projectId: null,
    });
    expect(e).toMatchObject({
      title: 'Rotate keys',
      hasEmbedding: true,
      embeddingModel: 'offline-hash-v2',
      embeddingError: null,
    });
    const moved = await updateEntryEmbedded(deps, grantOf(u), { id: e.id, projectId: p.id });
    expect(moved).toMatchObject({ projectId: p.id, hasEmbedding: true, updatedAt: expect.any(Date) as Date });
    const edited = await updateEntryEmbedded(deps, grantOf(u), {
      id: e.id,
      content: 'Rotate the signing keys every month.',
    });
    expect(edited).toMatchObject({
      content: 'Rotate the signing keys every month.',
      hasEmbedding: true,
      embeddingModel: 'offline-hash-v2',
    });
  });

  it('an insight is committed before the embedder is called: a provider outage leaves it saved, missing its vector', async () => {
    const u = await newUser(server);
    const deps = llmDepsOf(server.deps);
    await addFakeKey(u, fake, { apiKey: 'sk-embed-0002' });
    await u.client.trpc.memory.settings.update.mutate({ embeddingProvider: 'openai' });
    const p = await u.client.trpc.projects.create.mutate({ name: 'Outage' });
    fake.script.openai.push(
      { kind: 'status', status: 500 },
      { kind: 'status', status: 500 },
      { kind: 'status', status: 500 },
    );
    const i = await createInsightEmbedded(deps, grantOf(u), {
      projectId: p.id,
      title: 'Cold caches',
      detail: 'Every release starts cold.',
      suggestion: '',
      type: 'pain_point',
      severity: 'high',
      category: 'ops',
    });
    expect(i).toMatchObject({ title: 'Cold caches', hasEmbedding: false, embeddingModel: null });
    expect(i.embeddingError).toMatch(/HTTP 500/);
    // An update that leaves the text as it was does not call the provider.
    const before = fake.requests.length;
    const same = await updateInsightEmbedded(deps, grantOf(u), { id: i.id, title: 'Cold caches', severity: 'high' });
    expect(same).toMatchObject({ title: 'Cold caches', hasEmbedding: false });
    expect(fake.requests.length).toBe(before);
    // The provider is back: a text change embeds the new text.
    const fixed = await updateInsightEmbedded(deps, grantOf(u), {
      id: i.id,
      detail: 'Every release starts with cold caches.',
    });
    expect(fixed).toMatchObject({
      detail: 'Every release starts with cold caches.',
      hasEmbedding: true,
      embeddingError: null,
    });
    expect(fake.requests.length).toBe(before + 1);
  });

  it("wisdom is only for a project the caller may see: another workspace's project is a 404, a pinned caller is refused another project", async () => {
    const a = await newUser(server);
    const b = await newUser(server);
    const deps = llmDepsOf(server.deps);
    const mine = await a.client.trpc.projects.create.mutate({ name: 'Mine' });
    const other = await a.client.trpc.projects.create.mutate({ name: 'Other' });
    const theirs = await b.client.trpc.projects.create.mutate({ name: 'Theirs' });
    await expect(projectWisdom(deps, grantOf(a), { projectId: mine.id, budgetChars: 1_000 })).resolves.toMatchObject({
      markdown: expect.any(String) as string,
    });
    await expect(projectWisdom(deps, grantOf(a), { projectId: theirs.id, budgetChars: 1_000 })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    await expect(
      projectWisdom(deps, grantOf(a, mine.id), { projectId: other.id, budgetChars: 1_000 }),
    ).rejects.toMatchObject({ code: 'FORBIDDEN', userMessage: 'This API token is pinned to another project' });
  });
});
