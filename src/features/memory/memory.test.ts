import { beforeEach, describe, expect, it } from 'vitest';
import type { FakeLlmServer } from '../../testing/fake-llm-server.js';
import { addFakeKey } from '../../testing/fake-keys.js';
import { useServers } from '../../testing/suite.js';
import { dbKinds, newUser, trpcError, type TestServer, type TestUser } from '../../testing/harness.js';
import { HIGHLIGHT_END, HIGHLIGHT_START } from './search.js';

describe.each(dbKinds)('memory on %s', (kind) => {
  let server: TestServer;
  let fake: FakeLlmServer;
  useServers(kind, (s) => ({ server, fake } = s));
  beforeEach(() => {
    fake.script.openai.length = 0;
  });

  async function corpus(u: TestUser) {
    const p = await u.client.trpc.projects.create.mutate({ name: `Memory ${Math.random().toString(36).slice(2, 7)}` });
    const add = (
      title: string,
      detail: string,
      extra: Partial<{
        type: 'pain_point' | 'solution' | 'pattern';
        severity: 'blocker' | 'high' | 'medium' | 'low';
        category: string;
        suggestion: string;
      }> = {},
    ) =>
      u.client.trpc.insights.create.mutate({
        projectId: p.id,
        title,
        detail,
        type: extra.type ?? 'pain_point',
        severity: extra.severity ?? 'medium',
        category: extra.category ?? 'general',
        suggestion: extra.suggestion ?? '',
      });
    const deploy = await add(
      'Deployment pipeline is flaky',
      'The deployment to staging fails every other run because the container registry times out.',
      { category: 'devops', severity: 'high' },
    );
    const budget = await add('Quarterly marketing budget', 'Spend on ads grew while sign-ups stayed flat.', {
      category: 'business',
      type: 'pattern',
      severity: 'low',
    });
    const pool = await add(
      'Connection pool exhausted',
      'Under load the API returns ERR_CONN_RESET when the database pool runs dry.',
      { category: 'database', severity: 'blocker', suggestion: 'Raise the pool size and add backpressure.' },
    );
    const entry = await u.client.trpc.memory.entries.create.mutate({
      title: 'Runbook: rotating TLS certificates',
      content: 'Certificates expire every 90 days; renew with certbot and reload nginx.',
      tags: ['ops', 'tls'],
      projectId: p.id,
    });
    return { p, deploy, budget, pool, entry };
  }

  it('stores vectors with the offline embedder and ranks by meaning and by keyword, showing each part', async () => {
    const a = await newUser(server);
    const c = await corpus(a);
    expect(c.deploy).toMatchObject({ hasEmbedding: true, embeddingModel: 'offline-hash-v2', embeddingError: null });

    // No word in common with "Deployment …" after stemming ("redeploys" ≠ "deploy"), but related spelling.
    const semantic = await a.client.trpc.memory.search.query({ query: 'redeploys', k: 5 });
    expect(semantic.hits[0]?.id).toBe(c.deploy.id);
    expect(semantic.hits[0]?.textScore).toBe(0);
    const unrelated = semantic.hits.find((h) => h.id === c.budget.id);
    expect(semantic.hits[0]?.vectorScore).toBeGreaterThan(unrelated?.vectorScore ?? 0);

    // An exact rare keyword surfaces through the text part.
    const keyword = await a.client.trpc.memory.search.query({ query: 'ERR_CONN_RESET', k: 5 });
    expect(keyword.hits[0]?.id).toBe(c.pool.id);
    expect(keyword.hits[0]?.textScore).toBeGreaterThan(0);
    expect(keyword.hits[0]?.score).toBeCloseTo(
      0.7 * (keyword.hits[0]?.vectorScore ?? 0) + 0.3 * (keyword.hits[0]?.textScore ?? 0),
      5,
    );
    expect(keyword.hits[0]?.snippet).toContain(`${HIGHLIGHT_START}`);

    const entries = await a.client.trpc.memory.search.query({ query: 'certificates', k: 5, kinds: ['entry'] });
    expect(entries.hits.map((h) => h.kind)).toEqual(['entry']);
    expect(entries.hits[0]?.title).toContain('Runbook');
    expect(entries.hits[0]?.snippet).toMatch(new RegExp(`${HIGHLIGHT_START}Certificates${HIGHLIGHT_END}`));

    // A long text's excerpt says it is cut off; a short text shown whole does not.
    const filler = 'Routine maintenance notes about unrelated subsystems and their owners. '.repeat(30);
    await a.client.trpc.memory.entries.create.mutate({
      title: 'Long runbook',
      content: `${filler}The flamingo rotation happens on Fridays. ${filler}`,
    });
    const long = await a.client.trpc.memory.search.query({ query: 'flamingo', k: 1, kinds: ['entry'] });
    expect(long.hits[0]?.snippet).toMatch(/^… .*flamingo.* …$/s);
    await a.client.trpc.memory.entries.create.mutate({
      title: 'Short note',
      content: 'The pelican alarm is muted on weekends.',
    });
    const short = await a.client.trpc.memory.search.query({ query: 'pelican', k: 1, kinds: ['entry'] });
    expect(short.hits[0]?.snippet).not.toContain('…');
    expect(short.hits[0]?.snippet).toContain(`${HIGHLIGHT_START}pelican${HIGHLIGHT_END}`);

    // Markdown content reads as its words in a snippet: no `#` or `**`.
    await a.client.trpc.memory.entries.create.mutate({
      title: 'Payments runbook',
      content: '# Retries\n\nThe **payments** gateway retries a charge _twice_.',
    });
    const md = await a.client.trpc.memory.search.query({ query: 'gateway', k: 1, kinds: ['entry'] });
    expect(md.hits[0]?.snippet).toBe(
      `Retries The payments ${HIGHLIGHT_START}gateway${HIGHLIGHT_END} retries a charge twice`,
    );

    // Nonsense finds nothing: no keyword match and vectors at noise level are not results.
    expect((await a.client.trpc.memory.search.query({ query: 'zebra xylophone', k: 10 })).hits).toEqual([]);
    // Vector scores of vector-only hits clear the noise floor.
    expect(semantic.hits.every((h) => h.textScore > 0 || h.vectorScore >= semantic.minVectorScore)).toBe(true);
    // Offline vectors are compared exactly (candidates.ts).
    expect(semantic.vectorPath).toBe('exact');

    const rrf = await a.client.trpc.memory.search.query({ query: 'database pool', k: 3, mode: 'rrf' });
    // Ranks are over entries and insights together: no two hits share a rank.
    const vRanks = rrf.hits.map((h) => h.vectorRank).filter((r) => r !== null);
    expect(new Set(vRanks).size).toBe(vRanks.length);
    expect(rrf.mode).toBe('rrf');
    expect(rrf.hits[0]?.id).toBe(c.pool.id);
    expect(rrf.hits[0]?.score).toBeCloseTo(1 / 61 + 1 / 61, 6);
  });

  it('filters by project, type, severity, status and tags', async () => {
    const a = await newUser(server);
    const c = await corpus(a);
    const other = await a.client.trpc.projects.create.mutate({ name: 'Other project' });
    await a.client.trpc.insights.create.mutate({
      projectId: other.id,
      title: 'Deployment freeze',
      detail: 'No deployment on Fridays.',
      type: 'decision',
      severity: 'low',
    });
    const byProject = await a.client.trpc.memory.search.query({ query: 'deployment', projectId: c.p.id, k: 10 });
    expect(byProject.hits.every((h) => h.projectId === c.p.id)).toBe(true);
    const blockers = await a.client.trpc.memory.search.query({
      query: 'pool deployment budget',
      severity: 'blocker',
      k: 10,
    });
    expect(blockers.hits.map((h) => h.id)).toEqual([c.pool.id]);
    await a.client.trpc.insights.approve.mutate({ id: c.deploy.id });
    const approved = await a.client.trpc.memory.search.query({ query: 'deployment', status: 'approved', k: 10 });
    expect(approved.hits.map((h) => h.id)).toEqual([c.deploy.id]);
    const tagged = await a.client.trpc.memory.search.query({ query: 'certificates deployment', tags: ['tls'], k: 10 });
    expect(tagged.hits.map((h) => h.id)).toEqual([c.entry.id]);
  });

  it('triage: approve, reject, edit (re-embeds), and pair a pain point with its solution', async () => {
    const a = await newUser(server);
    const c = await corpus(a);
    const fix = await a.client.trpc.insights.create.mutate({
      projectId: c.p.id,
      title: 'Mirror the registry',
      detail: 'A pull-through cache removes the registry timeouts.',
      type: 'solution',
      severity: 'high',
    });
    const paired = await a.client.trpc.insights.pair.mutate({ id: c.deploy.id, pairedWith: fix.id });
    expect(paired.pairedInsightId).toBe(fix.id);
    expect((await a.client.trpc.insights.get.query({ id: fix.id })).pairedInsightId).toBe(c.deploy.id);
    const wrong = await trpcError(() => a.client.trpc.insights.pair.mutate({ id: c.deploy.id, pairedWith: c.pool.id }));
    expect(wrong.httpStatus).toBe(400);
    expect(wrong.fieldErrors?.pairedWith?.[0]).toMatch(/pain_point with pain_point/);
    await a.client.trpc.insights.pair.mutate({ id: fix.id, pairedWith: null });
    expect((await a.client.trpc.insights.get.query({ id: c.deploy.id })).pairedInsightId).toBeNull();

    expect((await a.client.trpc.insights.reject.mutate({ id: c.budget.id })).status).toBe('rejected');
    const edited = await a.client.trpc.insights.update.mutate({
      id: c.budget.id,
      title: 'Ad spend without sign-ups',
      severity: 'high',
    });
    expect(edited).toMatchObject({ title: 'Ad spend without sign-ups', severity: 'high', hasEmbedding: true });
    expect((await a.client.trpc.insights.list.query({ status: 'rejected', limit: 10 })).map((i) => i.id)).toEqual([
      c.budget.id,
    ]);
  });

  it('composes project wisdom from approved insights only, most severe first, within the budget', async () => {
    const a = await newUser(server);
    const c = await corpus(a);
    for (const id of [c.deploy.id, c.pool.id]) await a.client.trpc.insights.approve.mutate({ id });
    const w = await a.client.trpc.memory.wisdom.query({ projectId: c.p.id, budgetChars: 2000 });
    expect(w.included).toBe(2);
    expect(w.markdown.indexOf('Connection pool exhausted')).toBeLessThan(w.markdown.indexOf('Deployment pipeline'));
    expect(w.markdown).toContain('[blocker · pain point]');
    expect(w.markdown).toContain('→ Raise the pool size');
    expect(w.markdown).not.toContain('marketing');
    const fix = await a.client.trpc.insights.create.mutate({
      projectId: c.p.id,
      title: 'Mirror the registry',
      type: 'solution',
      severity: 'medium',
    });
    await a.client.trpc.insights.pair.mutate({ id: c.deploy.id, pairedWith: fix.id });
    expect((await a.client.trpc.memory.wisdom.query({ projectId: c.p.id, budgetChars: 2000 })).markdown).not.toContain(
      'solved by',
    );
    await a.client.trpc.insights.approve.mutate({ id: fix.id });
    expect((await a.client.trpc.memory.wisdom.query({ projectId: c.p.id, budgetChars: 2000 })).markdown).toContain(
      '(solved by: Mirror the registry)',
    );
    const tight = await a.client.trpc.memory.wisdom.query({ projectId: c.p.id, budgetChars: 250 });
    expect(tight.markdown.length).toBeLessThanOrEqual(250);
    expect(tight.included).toBe(1);
  });

  it('an embedding outage never loses a row: it is saved as missing, then backfilled when the provider recovers', async () => {
    const a = await newUser(server);
    await addFakeKey(a, fake, { apiKey: 'sk-embed-0001' });
    await a.client.trpc.memory.settings.update.mutate({ embeddingProvider: 'openai' });
    const p = await a.client.trpc.projects.create.mutate({ name: 'Outage' });
    fake.script.openai.push(
      { kind: 'status', status: 500 },
      { kind: 'status', status: 500 },
      { kind: 'status', status: 500 },
    );
    const saved = await a.client.trpc.insights.create.mutate({
      projectId: p.id,
      title: 'Cache stampede on deploy',
      detail: 'Cold caches after every release.',
      type: 'pain_point',
      severity: 'high',
    });
    expect(saved).toMatchObject({ hasEmbedding: false, embeddingModel: null });
    expect(saved.embeddingError).toMatch(/HTTP 500/);
    expect((await a.client.trpc.memory.status.query()).insights).toMatchObject({ total: 1, missing: 1, failed: 1 });
    // Still findable by keyword while the vector is missing.
    expect((await a.client.trpc.memory.search.query({ query: 'stampede', k: 5 })).hits.map((h) => h.id)).toEqual([
      saved.id,
    ]);

    fake.script.openai.push(
      { kind: 'status', status: 503 },
      { kind: 'status', status: 503 },
      { kind: 'status', status: 503 },
    );
    const stillDown = await a.client.trpc.insights.backfill.mutate();
    expect(stillDown).toMatchObject({ done: 0, failed: 1, total: 1 });
    expect(stillDown.error).toMatch(/503/);

    const recovered = await a.client.trpc.insights.backfill.mutate();
    expect(recovered).toMatchObject({ done: 1, failed: 0, total: 1, error: null });
    // Stored with its space: the model and, for any endpoint other than OpenAI's own, where it came from.
    const space = `text-embedding-3-small @ ${new URL(fake.url).host}/openai/v1`;
    expect(await a.client.trpc.insights.get.query({ id: saved.id })).toMatchObject({
      hasEmbedding: true,
      embeddingModel: space,
      embeddingError: null,
    });
    expect((await a.client.trpc.memory.settings.get.query()).embeddingSpace).toBe(space);
    expect((await a.client.trpc.memory.status.query()).insights).toMatchObject({ missing: 0, stale: 0, failed: 0 });
    // 3 failed attempts on create, 1 for the search query, 3 failed + 1 good during backfill.
    expect(fake.requests.filter((r) => r.path.endsWith('/embeddings')).length).toBe(8);
    // A model's vectors, in a workspace this small, are compared exactly (HNSW above 1,000 rows: vector-safety.test.ts).
    const found = await a.client.trpc.memory.search.query({ query: 'cache stampede', k: 5 });
    expect(found.vectorPath).toBe('exact');
    expect(found.hits.map((h) => h.id)).toContain(saved.id);
    // While the provider is down, search says so and answers by keyword alone.
    fake.script.openai.push(
      { kind: 'status', status: 500 },
      { kind: 'status', status: 500 },
      { kind: 'status', status: 500 },
    );
    const down = await a.client.trpc.memory.search.query({ query: 'cache stampede', k: 5 });
    expect(down.vectorError).toMatch(/500/);
    expect(down.vectorPath).toBeNull();
    expect(down.hits.map((h) => h.id)).toEqual([saved.id]);

    // Another key for the same endpoint (a rotation) keeps the vectors; a model of the same
    // name behind another endpoint is another space, so they are stale.
    await a.client.trpc.llm.keys.add.mutate({
      name: 'openai-rotated',
      kind: 'openai',
      apiKey: 'sk-embed-0002',
      baseUrl: `${fake.url}/openai/v1/`,
    });
    await a.client.trpc.memory.settings.update.mutate({ embeddingProvider: 'openai-rotated' });
    expect((await a.client.trpc.memory.status.query()).insights).toMatchObject({ stale: 0 });
    await a.client.trpc.llm.keys.add.mutate({
      name: 'gateway',
      kind: 'openai-compatible',
      apiKey: 'sk-embed-0003',
      baseUrl: `${fake.url}/gateway/v1`,
      defaultModel: 'text-embedding-3-small',
    });
    await a.client.trpc.memory.settings.update.mutate({
      embeddingProvider: 'gateway',
      embeddingModel: 'text-embedding-3-small',
    });
    expect((await a.client.trpc.memory.status.query()).insights).toMatchObject({ stale: 1 });

    // Switching back to offline makes every vector stale; backfill re-embeds them.
    await a.client.trpc.memory.settings.update.mutate({ embeddingProvider: 'offline' });
    expect((await a.client.trpc.memory.status.query()).insights.stale).toBe(1);
    expect(await a.client.trpc.insights.backfill.mutate()).toMatchObject({ done: 1, total: 1 });
  });

  it('another workspace finds nothing and gets NOT_FOUND for every id', async () => {
    const a = await newUser(server);
    const b = await newUser(server);
    const c = await corpus(a);
    expect(
      (await b.client.trpc.memory.search.query({ query: 'deployment registry pool certificates', k: 50 })).hits,
    ).toEqual([]);
    expect(await b.client.trpc.insights.list.query({ limit: 100 })).toEqual([]);
    expect(await b.client.trpc.memory.entries.list.query({ limit: 100 })).toEqual([]);
    for (const call of [
      () => b.client.trpc.memory.entries.get.query({ id: c.entry.id }),
      () => b.client.trpc.memory.entries.update.mutate({ id: c.entry.id, title: 'x' }),
      () => b.client.trpc.memory.entries.delete.mutate({ id: c.entry.id }),
      () => b.client.trpc.insights.get.query({ id: c.deploy.id }),
      () => b.client.trpc.insights.update.mutate({ id: c.deploy.id, title: 'x' }),
      () => b.client.trpc.insights.approve.mutate({ id: c.deploy.id }),
      () => b.client.trpc.insights.reject.mutate({ id: c.deploy.id }),
      () => b.client.trpc.insights.pair.mutate({ id: c.deploy.id, pairedWith: null }),
      () => b.client.trpc.insights.create.mutate({ projectId: c.p.id, title: 'x', type: 'pattern', severity: 'low' }),
      () => b.client.trpc.memory.wisdom.query({ projectId: c.p.id, budgetChars: 1000 }),
    ]) {
      expect((await trpcError(call)).httpStatus).toBe(404);
    }
    expect((await a.client.trpc.insights.get.query({ id: c.deploy.id })).status).toBe('proposed');
  });

  it('rejects bad search input with a 400 naming the field', async () => {
    const a = await newUser(server);
    await a.client.trpc.memory.settings.update.mutate({ textWeight: 0 });
    const zero = await trpcError(() => a.client.trpc.memory.settings.update.mutate({ vectorWeight: 0 }));
    expect(zero.fieldErrors?.vectorWeight?.[0]).toMatch(/cannot both be 0/);
    const noProject = await trpcError(() =>
      a.client.trpc.insights.create.mutate({ projectId: '', title: 'x', type: 'pattern', severity: 'low' }),
    );
    expect(noProject.fieldErrors?.projectId).toEqual(['Pick a project']);
    for (const [input, field] of [
      [{ query: '' }, 'query'],
      [{ query: 'x'.repeat(501) }, 'query'],
      [{ query: 'ok', k: 0 }, 'k'],
      [{ query: 'ok', k: 51 }, 'k'],
    ] as const) {
      const e = await trpcError(() => a.client.trpc.memory.search.query(input));
      expect(e.httpStatus).toBe(400);
      expect(Object.keys(e.fieldErrors ?? {})).toEqual([field]);
    }
  });
});
