import { randomBytes, randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { addProviderKey } from '../../features/llm/keys.js';
import { startFakeLlmServer, type FakeLlmServer } from '../../testing/fake-llm-server.js';
import { openTestDatabase } from '../../testing/harness.js';
import type { Database } from '../db/client.js';
import { llmSettings, llmUsage, tenants } from '../db/schema/index.js';
import { withTenant } from '../db/tenant.js';
import { NyxError } from '../errors.js';
import { loadEnv } from '../../config/env.js';
import { createEgress } from '../egress/egress.js';
import { createLogger } from '../logger.js';
import { OFFLINE_LABEL } from './offline.js';
import { generate, generateObject, generateStream, type LlmDeps } from './service.js';
import { createVault } from './vault.js';

const SECRET = { openai: 'sk-openai-TESTKEY-1234', anthropic: 'sk-ant-TESTKEY-5678', google: 'AIza-TESTKEY-9012' };

describe('LLM calls against providers speaking their real wire formats', () => {
  let database: Database;
  let fake: FakeLlmServer;
  let deps: LlmDeps;
  const sleeps: number[] = [];
  const vault = createVault(randomBytes(32));
  // Embedded-mode policy: the fake providers on 127.0.0.1 are allowed, as Ollama would be.
  const egress = createEgress(loadEnv({ NODE_ENV: 'test' }), createLogger('silent'));
  const keyDeps = { vault, egress };

  beforeAll(async () => {
    database = await openTestDatabase('pglite');
    fake = await startFakeLlmServer();
    deps = {
      database,
      vault,
      log: createLogger('silent'),
      now: () => new Date(),
      fetch: egress.fetch,
      timeoutMs: 1_500,
      sleep: (ms) => {
        sleeps.push(ms);
        return Promise.resolve();
      },
    };
  });
  afterAll(async () => {
    await fake.close();
    await egress.close();
    await database.close();
  });
  beforeEach(() => {
    sleeps.length = 0;
    fake.requests.length = 0;
    for (const k of ['openai', 'anthropic', 'google'] as const) fake.script[k].length = 0;
  });

  /** A fresh workspace with the three providers pointed at the fake server, chain in that order. */
  async function workspace(chain: string[] = ['anthropic', 'openai', 'google', 'offline']) {
    const tenantId = randomUUID();
    await withTenant(database, { tenantId, userId: null }, async (tx) => {
      await tx.insert(tenants).values({ id: tenantId, name: 'llm test' });
      const access = { tx, tenantId, userId: null, ip: null };
      await addProviderKey(access, keyDeps, {
        name: 'anthropic',
        kind: 'anthropic',
        apiKey: SECRET.anthropic,
        baseUrl: `${fake.url}/anthropic/v1`,
      });
      await addProviderKey(access, keyDeps, {
        name: 'openai',
        kind: 'openai',
        apiKey: SECRET.openai,
        baseUrl: `${fake.url}/openai/v1`,
      });
      await addProviderKey(access, keyDeps, {
        name: 'google',
        kind: 'google',
        apiKey: SECRET.google,
        baseUrl: `${fake.url}/google/v1beta`,
      });
      await tx.insert(llmSettings).values({ tenantId, fallbackChain: chain });
    });
    return tenantId;
  }
  const usage = (tenantId: string) =>
    withTenant(database, { tenantId, userId: null }, (tx) => tx.select().from(llmUsage).orderBy(llmUsage.id));
  const call = (tenantId: string, extra: Partial<Parameters<typeof generate>[1]> = {}) => ({
    tenantId,
    userId: null,
    purpose: 'test',
    prompt: 'Say hello',
    ...extra,
  });

  it.each(['anthropic', 'openai', 'google'] as const)(
    '%s: a plain completion, with the key sent and tokens and cost recorded',
    async (provider) => {
      const tenantId = await workspace([provider]);
      fake.script[provider].push({ kind: 'ok', text: `hello from ${provider}`, tokensIn: 1000, tokensOut: 500 });
      const r = await generate(deps, call(tenantId));
      expect(r).toMatchObject({
        text: `hello from ${provider}`,
        provider,
        tokensIn: 1000,
        tokensOut: 500,
        isOffline: false,
      });
      const req = fake.requests[0];
      const sent =
        provider === 'anthropic'
          ? req?.headers['x-api-key']
          : provider === 'google'
            ? req?.headers['x-goog-api-key']
            : req?.headers.authorization;
      expect(String(sent)).toContain(SECRET[provider]);
      const [row] = await usage(tenantId);
      expect(row).toMatchObject({
        provider,
        outcome: 'ok',
        tokensIn: 1000,
        tokensOut: 500,
        purpose: 'test',
        attempt: 1,
      });
      // Default models are priced in the built-in catalog.
      expect(row?.costUsd).toBeGreaterThan(0);
      expect(r.costUsd).toBe(row?.costUsd);
    },
  );

  it.each(['anthropic', 'openai', 'google'] as const)(
    '%s: a streamed completion arrives in pieces',
    async (provider) => {
      const tenantId = await workspace([provider]);
      fake.script[provider].push({ kind: 'ok', text: 'streaming tokens one by one', tokensIn: 7, tokensOut: 9 });
      const deltas: string[] = [];
      const r = await generateStream(deps, call(tenantId), (d) => deltas.push(d));
      expect(fake.requests[0]?.isStream).toBe(true);
      expect(deltas.length).toBeGreaterThan(3);
      expect(deltas.join('')).toBe('streaming tokens one by one');
      expect(r).toMatchObject({ text: 'streaming tokens one by one', tokensIn: 7, tokensOut: 9 });
    },
  );

  it('an OpenAI-compatible endpoint (Ollama, vLLM, …) works without a key, at its base URL', async () => {
    const tenantId = await workspace(['local']);
    await withTenant(database, { tenantId, userId: null }, (tx) =>
      addProviderKey({ tx, tenantId, userId: null, ip: null }, keyDeps, {
        name: 'local',
        kind: 'openai-compatible',
        baseUrl: `${fake.url}/openai/v1`,
        defaultModel: 'llama3.1',
      }),
    );
    fake.script.openai.push({ kind: 'ok', text: 'hi from llama' });
    const r = await generate(deps, call(tenantId));
    expect(r).toMatchObject({
      provider: 'local',
      kind: 'openai-compatible',
      model: 'llama3.1',
      text: 'hi from llama',
      costUsd: null,
    });
    expect(fake.requests[0]?.body.model).toBe('llama3.1');
    expect(fake.requests[0]?.headers.authorization).toBeUndefined();
  });

  it('429 then success: retries the same provider after the Retry-After the server asked for', async () => {
    const tenantId = await workspace(['openai']);
    fake.script.openai.push(
      { kind: 'status', status: 429, retryAfter: '2' },
      { kind: 'ok', text: 'second time lucky' },
    );
    const r = await generate(deps, call(tenantId));
    expect(r.text).toBe('second time lucky');
    expect(sleeps).toEqual([2000]);
    const rows = await usage(tenantId);
    expect(rows.map((x) => [x.outcome, x.attempt])).toEqual([
      ['error', 1],
      ['ok', 2],
    ]);
    expect(rows[0]?.error).toMatch(/429/);
  });

  it('500s exhaust the retries with exponential backoff, then fall back to the next provider', async () => {
    const tenantId = await workspace(['anthropic', 'openai', 'offline']);
    fake.script.anthropic.push(
      { kind: 'status', status: 500 },
      { kind: 'status', status: 500 },
      { kind: 'status', status: 500 },
    );
    fake.script.openai.push({ kind: 'ok', text: 'openai saves the day' });
    const r = await generate(deps, call(tenantId));
    expect(r).toMatchObject({ provider: 'openai', text: 'openai saves the day' });
    expect(sleeps).toEqual([250, 500]);
    expect(r.attempts.map((a) => `${a.provider}:${a.outcome}`)).toEqual([
      'anthropic:error',
      'anthropic:error',
      'anthropic:error',
      'openai:ok',
    ]);
  });

  it('a hanging provider times out and the chain moves on', async () => {
    const tenantId = await workspace(['google', 'offline']);
    fake.script.google.push({ kind: 'hang' }, { kind: 'hang' }, { kind: 'hang' });
    const r = await generate(
      { ...deps, timeoutMs: 200 },
      call(tenantId, {
        prompt: 'Our deploys take too long. The cache is cold after every release. Warming it fixes the latency.',
      }),
    );
    expect(r.provider).toBe('offline');
    expect(r.text.startsWith(OFFLINE_LABEL)).toBe(true);
    // The answer says which provider failed and that the offline model stood in.
    expect(r.text).toContain(
      '[google: timed out (3 requests failed): the configured provider failed, so the offline model answered instead.]',
    );
    const rows = await usage(tenantId);
    expect(rows.filter((x) => x.provider === 'google').map((x) => x.error)).toEqual([
      'timed out',
      'timed out',
      'timed out',
    ]);
  });

  it('a malformed response is not retried; it falls back at once', async () => {
    const tenantId = await workspace(['openai', 'anthropic']);
    fake.script.openai.push({ kind: 'malformed' });
    fake.script.anthropic.push({ kind: 'ok', text: 'sane answer' });
    const r = await generate(deps, call(tenantId));
    expect(r.provider).toBe('anthropic');
    expect(sleeps).toEqual([]);
    expect(r.attempts[0]?.error).toBeTruthy();
  });

  it('every provider failing is a clear UPSTREAM error listing each one, and no key appears in it', async () => {
    const tenantId = await workspace(['openai', 'anthropic']);
    fake.script.openai.push({ kind: 'status', status: 401, message: `Incorrect API key provided: ${SECRET.openai}` });
    fake.script.anthropic.push({ kind: 'status', status: 400, message: 'prompt is too long' });
    const err = await generate(deps, call(tenantId)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NyxError);
    expect((err as NyxError).code).toBe('UPSTREAM');
    expect((err as NyxError).message).toMatch(/openai: HTTP 401.*anthropic: HTTP 400/);
    const everything = JSON.stringify({ msg: (err as NyxError).message, rows: await usage(tenantId) });
    for (const s of Object.values(SECRET)) expect(everything).not.toContain(s);
  });

  it('no log line contains a key, even when a provider echoes it back in its error', async () => {
    const lines: string[] = [];
    const logged = { ...deps, log: createLogger('trace', { write: (l: string) => lines.push(l) }) };
    const tenantId = await workspace(['openai', 'anthropic', 'google']);
    fake.script.openai.push({ kind: 'status', status: 401, message: `Incorrect API key provided: ${SECRET.openai}` });
    fake.script.anthropic.push(
      { kind: 'status', status: 500, message: `upstream rejected x-api-key ${SECRET.anthropic}` },
      { kind: 'status', status: 500 },
      { kind: 'status', status: 500 },
    );
    fake.script.google.push({
      kind: 'status',
      status: 400,
      message: `API key not valid (${SECRET.google}). Please pass a valid API key.`,
    });
    await generate(logged, call(tenantId)).catch(() => undefined);
    expect(lines.length).toBeGreaterThan(3);
    const all = lines.join('\n');
    for (const s of Object.values(SECRET)) expect(all).not.toContain(s);
  });

  it('a stream that breaks after the first tokens ends with an error instead of replaying on another provider', async () => {
    const tenantId = await workspace(['openai', 'anthropic']);
    fake.script.openai.push({ kind: 'break-mid-stream', text: 'partial answer that never finishes' });
    const deltas: string[] = [];
    const err = await generateStream(deps, call(tenantId), (d) => deltas.push(d)).catch((e: unknown) => e);
    expect((err as NyxError).code).toBe('UPSTREAM');
    expect(deltas.join('')).toBe('partial answer that never finishes'.slice(0, deltas.join('').length));
    expect(fake.requests.some((r) => r.provider === 'anthropic')).toBe(false);
  });

  it('cancellation through the caller’s AbortSignal stops the call and is recorded as cancelled', async () => {
    const tenantId = await workspace(['openai', 'anthropic']);
    fake.script.openai.push({ kind: 'hang' });
    const ac = new AbortController();
    const pending = generate({ ...deps, timeoutMs: 10_000 }, call(tenantId, { signal: ac.signal }));
    setTimeout(() => ac.abort(), 100);
    await expect(pending).rejects.toThrow(/cancelled/);
    expect(fake.requests.some((r) => r.provider === 'anthropic')).toBe(false);
    expect((await usage(tenantId)).map((r) => r.outcome)).toEqual(['cancelled']);
  });

  it('beyond the monthly budget, paid calls fail with BUDGET_EXCEEDED (offline still works)', async () => {
    const tenantId = await workspace(['openai', 'offline']);
    await withTenant(database, { tenantId, userId: null }, (tx) =>
      tx.update(llmSettings).set({ monthlyBudgetUsd: 0.01 }).where(eq(llmSettings.tenantId, tenantId)),
    );
    fake.script.openai.push({ kind: 'ok', tokensIn: 100_000, tokensOut: 10_000 });
    await generate(deps, call(tenantId));
    const err = await generate(deps, call(tenantId)).catch((e: unknown) => e);
    expect((err as NyxError).code).toBe('BUDGET_EXCEEDED');
    expect((err as NyxError).message).toMatch(/monthly LLM budget/);
    const offline = await generate(deps, call(tenantId, { provider: 'offline', isStrict: true }));
    expect(offline.isOffline).toBe(true);
  });

  it('structured output: a real provider’s JSON is parsed and validated; the offline model fills the schema from the input', async () => {
    const schema = z.object({
      title: z.string(),
      severity: z.enum(['low', 'high']),
      steps: z.array(z.string()).min(1),
    });
    const tenantId = await workspace(['openai']);
    fake.script.openai.push({
      kind: 'ok',
      text: JSON.stringify({ title: 'Fix login', severity: 'high', steps: ['reproduce', 'patch'] }),
    });
    const r = await generateObject(deps, call(tenantId), schema);
    expect(r.output).toEqual({ title: 'Fix login', severity: 'high', steps: ['reproduce', 'patch'] });

    const off = await generateObject(
      deps,
      call(tenantId, {
        provider: 'offline',
        isStrict: true,
        prompt:
          'The login page crashes on Safari. Users cannot sign in after the update. Rolling back the CSS bundle fixes it.',
      }),
      schema,
    );
    expect(schema.safeParse(off.output).success).toBe(true);
    expect(off.output.title.length).toBeGreaterThan(0);
    expect(off.output.severity).toBe('low');
  });
});
