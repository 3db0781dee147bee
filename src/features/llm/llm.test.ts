import { beforeEach, describe, expect, it } from 'vitest';
import type { FakeLlmServer } from '../../testing/fake-llm-server.js';
import { addFakeKey } from '../../testing/fake-keys.js';
import { useServers } from '../../testing/suite.js';
import { dbKinds, newUser, trpcError, type TestServer, type TestUser } from '../../testing/harness.js';

const KEY = 'sk-live-DO-NOT-LEAK-abcd';

describe.each(dbKinds)('LLM settings, keys, catalog and usage on %s', (kind) => {
  let server: TestServer;
  let fake: FakeLlmServer;
  useServers(kind, (s) => ({ server, fake } = s));
  beforeEach(() => {
    fake.script.openai.length = 0;
    fake.script.anthropic.length = 0;
  });

  const withOpenAi = (u: TestUser) => addFakeKey(u, fake, { apiKey: KEY });

  it('stores a key encrypted, shows only its last four characters, and tests it', async () => {
    const a = await newUser(server);
    const added = await withOpenAi(a);
    expect(added).toMatchObject({ name: 'openai', kind: 'openai', keyHint: '…abcd', defaultModel: 'gpt-4o-mini' });
    const listed = await a.client.trpc.llm.keys.list.query();
    expect(JSON.stringify(listed)).not.toContain(KEY.slice(0, 12));
    const [row] = await server.database.raw<{ secret: string }>('select secret from provider_keys where id = $1', [
      added.id,
    ]);
    expect(row?.secret).toMatch(/^nyx1\./);
    expect(row?.secret).not.toContain(KEY);

    fake.script.openai.push({ kind: 'ok', text: 'OK' });
    const ok = await a.client.trpc.llm.keys.test.mutate({ id: added.id });
    expect(ok).toMatchObject({ isOk: true, reply: 'OK', model: 'gpt-4o-mini' });
    fake.script.openai.push({ kind: 'status', status: 401, message: `Incorrect API key provided: ${KEY}` });
    const bad = await a.client.trpc.llm.keys.test.mutate({ id: added.id });
    expect(bad.isOk).toBe(false);
    expect(JSON.stringify(bad)).not.toContain(KEY);
    if (!bad.isOk) expect(bad.error).toMatch(/openai: HTTP 401/);

    const audit = (await a.client.trpc.audit.list.query({ limit: 20 })).items.map((i) => i.action);
    expect(audit).toContain('llm.key_added');
    await a.client.trpc.llm.keys.remove.mutate({ id: added.id });
    expect(await a.client.trpc.llm.keys.list.query()).toEqual([]);
  });

  it('the fallback chain only accepts configured providers; the default chain ends with offline', async () => {
    const a = await newUser(server);
    expect((await a.client.trpc.llm.settings.get.query()).effectiveChain).toEqual(['offline']);
    await withOpenAi(a);
    expect((await a.client.trpc.llm.settings.get.query()).effectiveChain).toEqual(['openai', 'offline']);
    const e = await trpcError(() => a.client.trpc.llm.settings.update.mutate({ fallbackChain: ['openai', 'mystery'] }));
    expect(e.httpStatus).toBe(400);
    expect(e.fieldErrors?.fallbackChain?.[0]).toMatch(/mystery/);
    const cents = await trpcError(() => a.client.trpc.llm.settings.update.mutate({ monthlyBudgetUsd: 0.001 }));
    expect(cents.fieldErrors?.monthlyBudgetUsd?.[0]).toMatch(/2 decimals/);
    const s = await a.client.trpc.llm.settings.update.mutate({
      fallbackChain: ['offline', 'openai'],
      monthlyBudgetUsd: 25,
    });
    expect(s).toMatchObject({ effectiveChain: ['offline', 'openai'], monthlyBudgetUsd: 25 });
  });

  it('prices come from the catalog (workspace overrides win) and usage sums per day and provider', async () => {
    const a = await newUser(server);
    await withOpenAi(a);
    await a.client.trpc.llm.catalog.upsert.mutate({
      provider: 'openai',
      model: 'gpt-4o-mini',
      contextWindow: 128_000,
      inputPerMTok: 1,
      outputPerMTok: 2,
    });
    const row = (await a.client.trpc.llm.catalog.list.query()).find((r) => r.model === 'gpt-4o-mini');
    expect(row).toMatchObject({ inputPerMTok: 1, outputPerMTok: 2, source: 'override' });
    const p = (await a.client.trpc.personas.list.query({}))[0];
    fake.script.openai.push(
      { kind: 'ok', tokensIn: 1_000_000, tokensOut: 500_000 },
      { kind: 'ok', tokensIn: 1_000_000, tokensOut: 0 },
    );
    const r1 = await a.client.trpc.personas.try.mutate({ id: p?.id ?? '', message: 'one' });
    await a.client.trpc.personas.try.mutate({ id: p?.id ?? '', message: 'two' });
    expect(r1.costUsd).toBe(2);
    const sum = await a.client.trpc.llm.usage.summary.query({ days: 7 });
    expect(sum.totals).toMatchObject({ calls: 2, tokensIn: 2_000_000, tokensOut: 500_000, costUsd: 3 });
    expect(sum.series).toEqual([
      expect.objectContaining({ provider: 'openai', calls: 2, costUsd: 3, day: new Date().toISOString().slice(0, 10) }),
    ]);
    expect((await a.client.trpc.llm.settings.get.query()).spentThisMonthUsd).toBe(3);
    await a.client.trpc.llm.catalog.remove.mutate({ provider: 'openai', model: 'gpt-4o-mini' });
    expect((await a.client.trpc.llm.catalog.list.query()).find((r) => r.model === 'gpt-4o-mini')?.source).toBe(
      'built-in',
    );
    await a.client.trpc.llm.catalog.upsert.mutate({
      provider: 'openai-compatible',
      model: 'llama3.1',
      contextWindow: 8192,
      inputPerMTok: 0,
      outputPerMTok: 0,
    });
    expect((await a.client.trpc.llm.catalog.list.query()).find((r) => r.model === 'llama3.1')?.source).toBe(
      'workspace',
    );
  });

  it('members use providers but only admins manage keys, settings and the catalog, and read usage', async () => {
    const owner = await newUser(server);
    const inv = await owner.client.trpc.invitations.create.mutate({ role: 'member' });
    const m = await newUser(server, { workspace: null });
    await m.client.trpc.invitations.accept.mutate({ token: inv.token });
    m.client.tenantId = owner.tenantId;
    expect((await m.client.trpc.llm.providers.query()).map((p) => p.name)).toEqual(['offline']);
    for (const call of [
      () => m.client.trpc.llm.keys.list.query(),
      () => m.client.trpc.llm.keys.add.mutate({ name: 'x', kind: 'openai', apiKey: 'sk-x' }),
      () => m.client.trpc.llm.settings.update.mutate({ monthlyBudgetUsd: 1 }),
      () =>
        m.client.trpc.llm.catalog.upsert.mutate({
          provider: 'openai',
          model: 'x',
          contextWindow: 1,
          inputPerMTok: 0,
          outputPerMTok: 0,
        }),
      () => m.client.trpc.llm.usage.summary.query({ days: 7 }),
    ]) {
      expect((await trpcError(call)).httpStatus).toBe(403);
    }
  });

  it('another workspace cannot see, test or remove these keys, nor see this usage', async () => {
    const a = await newUser(server);
    const b = await newUser(server);
    const key = await withOpenAi(a);
    fake.script.openai.push({ kind: 'ok' });
    await a.client.trpc.personas.try.mutate({
      id: (await a.client.trpc.personas.list.query({}))[0]?.id ?? '',
      message: 'x',
      provider: 'openai',
    });
    expect(await b.client.trpc.llm.keys.list.query()).toEqual([]);
    expect((await trpcError(() => b.client.trpc.llm.keys.test.mutate({ id: key.id }))).httpStatus).toBe(404);
    expect((await trpcError(() => b.client.trpc.llm.keys.remove.mutate({ id: key.id }))).httpStatus).toBe(404);
    expect((await b.client.trpc.llm.usage.summary.query({ days: 7 })).totals.calls).toBe(0);
    expect(await b.client.trpc.llm.usage.recent.query({ limit: 10 })).toEqual([]);
    expect(
      (await trpcError(() => b.client.trpc.llm.settings.update.mutate({ fallbackChain: ['openai'] }))).httpStatus,
    ).toBe(400);
    await a.client.trpc.llm.catalog.upsert.mutate({
      provider: 'openai',
      model: 'gpt-4o',
      contextWindow: 1,
      inputPerMTok: 9,
      outputPerMTok: 9,
    });
    expect(
      (await trpcError(() => b.client.trpc.llm.catalog.remove.mutate({ provider: 'openai', model: 'gpt-4o' })))
        .httpStatus,
    ).toBe(404);
    expect((await b.client.trpc.llm.catalog.list.query()).find((r) => r.model === 'gpt-4o')?.inputPerMTok).toBe(2.5);
    expect((await a.client.trpc.llm.catalog.list.query()).find((r) => r.model === 'gpt-4o')?.inputPerMTok).toBe(9);
    expect((await a.client.trpc.llm.keys.list.query()).map((k) => k.id)).toEqual([key.id]);
  });

  it('rejects bad provider input field by field', async () => {
    const a = await newUser(server);
    const e1 = await trpcError(() => a.client.trpc.llm.keys.add.mutate({ name: 'local', kind: 'openai-compatible' }));
    expect(e1.httpStatus).toBe(400);
    expect(Object.keys(e1.fieldErrors ?? {}).sort()).toEqual(['baseUrl', 'defaultModel']);
    const e2 = await trpcError(() =>
      a.client.trpc.llm.keys.add.mutate({ name: 'Offline', kind: 'openai', apiKey: 'k', baseUrl: 'ftp://x' }),
    );
    expect(Object.keys(e2.fieldErrors ?? {}).sort()).toEqual(['baseUrl', 'name']);
    const e3 = await trpcError(() => a.client.trpc.llm.keys.add.mutate({ name: 'anthropic', kind: 'anthropic' }));
    expect(e3.fieldErrors?.apiKey).toBeDefined();
    await a.client.trpc.llm.keys.add.mutate({
      name: 'ollama',
      kind: 'openai-compatible',
      baseUrl: 'http://127.0.0.1:11434/v1',
      defaultModel: 'llama3.1',
    });
    const dup = await trpcError(() =>
      a.client.trpc.llm.keys.add.mutate({
        name: 'ollama',
        kind: 'openai-compatible',
        baseUrl: 'http://127.0.0.1:11434/v1',
        defaultModel: 'x',
      }),
    );
    expect(dup.httpStatus).toBe(409);
    expect((await a.client.trpc.llm.keys.list.query()).map((k) => [k.name, k.keyHint])).toEqual([['ollama', null]]);
  });
});
