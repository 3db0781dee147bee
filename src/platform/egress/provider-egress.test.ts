/**
 * The egress policy as a workspace admin meets it: `llm.keys.add` refuses base URLs the
 * policy denies, and `llm.keys.test` (like every LLM call) never echoes an upstream body,
 * never follows a provider to another host, and never tells an open port from a closed one.
 * Real HTTP end to end: the test server, the real AI SDK clients, local listeners.
 */
import type { ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closedPort, startListener, startRudeListener, type Listener } from '../../testing/listeners.js';
import { dbKinds, newUser, startTestServer, trpcError, type TestServer, type TestUser } from '../../testing/harness.js';

const SERVER_MODE = { DATABASE_URL: 'postgres://nyx@db.invalid:5432/nyx' };
const noWait = { llmOverrides: { sleep: () => Promise.resolve() } };

/** What the provider listener answers, by path prefix. */
function upstream(other: () => Listener) {
  return (req: { url?: string }, res: ServerResponse) => {
    const path = req.url ?? '';
    if (path.startsWith('/json/'))
      res
        .writeHead(400, { 'content-type': 'application/json' })
        .end('{"error":{"message":"JSONERR db_password=hunter2","type":"invalid_request_error"}}');
    else if (path.startsWith('/text/'))
      res
        .writeHead(400, { 'content-type': 'text/plain' })
        .end('-ERR wrong number of arguments; requirepass hunter2\r\nFATAL: role "postgres"');
    else if (path.startsWith('/redirect/')) res.writeHead(307, { location: `${other().url}/steal` }).end();
    else res.writeHead(404).end();
  };
}

describe.each(dbKinds)('outbound requests of LLM providers on %s', (kind) => {
  let server: TestServer;
  let provider: Listener;
  let elsewhere: Listener;
  beforeAll(async () => {
    elsewhere = await startListener('127.0.0.2');
    provider = await startListener(
      '127.0.0.1',
      upstream(() => elsewhere),
    );
    server = await startTestServer(kind, {}, noWait);
  });
  afterAll(async () => {
    await server.close();
    await provider.close();
    await elsewhere.close();
  });

  const addLocal = (u: TestUser, name: string, baseUrl: string) =>
    u.client.trpc.llm.keys.add.mutate({
      name,
      kind: 'openai-compatible',
      baseUrl,
      defaultModel: 'llama3.1',
      apiKey: 'sk-local-0001',
    });
  const testKey = async (u: TestUser, id: string) => {
    const r = await u.client.trpc.llm.keys.test.mutate({ id });
    if (r.isOk) throw new Error('expected the provider test to fail');
    return r.error;
  };
  const stored = (tenantId: string) =>
    server.database.raw<{ text: string | null }>(
      'select error as text from llm_usage where tenant_id = $1 union all select last_error from provider_keys where tenant_id = $1',
      [tenantId],
    );

  it('a provider-style JSON error comes back as "HTTP 400" and its message, redacted; never the body', async () => {
    const a = await newUser(server);
    const key = await addLocal(a, 'json', `${provider.url}/json/v1`);
    const error = await testKey(a, key.id);
    expect(error).toBe('json: HTTP 400: JSONERR db_password=[redacted]');
    const rows = (await stored(a.tenantId)).map((r) => r.text ?? '');
    expect(rows.length).toBeGreaterThanOrEqual(2);
    for (const text of [error, ...rows, JSON.stringify(await a.client.trpc.llm.keys.list.query())]) {
      expect(text).not.toContain('hunter2');
      expect(text).not.toContain('invalid_request_error');
    }
  });

  it('a body that is not a provider error is reduced to the status alone', async () => {
    const a = await newUser(server);
    const key = await addLocal(a, 'redis', `${provider.url}/text/v1`);
    expect(await testKey(a, key.id)).toBe('redis: HTTP 400');
    for (const r of await stored(a.tenantId)) expect(r.text ?? '').not.toMatch(/hunter2|ERR|postgres/);
  });

  it('a redirect to another host is refused, not retried, and the other host receives nothing', async () => {
    const a = await newUser(server);
    const key = await addLocal(a, 'hop', `${provider.url}/redirect/v1`);
    provider.hits.length = 0;
    expect(await testKey(a, key.id)).toBe('hop: the provider redirected to another host; refused');
    expect(provider.hits).toHaveLength(1);
    expect(elsewhere.hits).toEqual([]);
  });

  it('an open port that hangs up and a closed port give the same answer', async () => {
    const a = await newUser(server);
    const rude = await startRudeListener('127.0.0.1');
    const shut = await closedPort('127.0.0.1');
    const open = await addLocal(a, 'open', `${rude.url}/v1`);
    const closed = await addLocal(a, 'closed', `http://127.0.0.1:${shut}/v1`);
    const [e1, e2] = [await testKey(a, open.id), await testKey(a, closed.id)];
    await rude.close();
    expect(rude.hits.length).toBeGreaterThan(0);
    expect(e1.replace(/^open: /, '')).toBe(e2.replace(/^closed: /, ''));
    expect(e1).toBe('open: could not connect to the provider (3 requests failed)');
    const rows = (await stored(a.tenantId)).map((r) => r.text ?? '');
    expect(new Set(rows.filter(Boolean))).toEqual(new Set(['could not connect to the provider']));
  });
});

describe.each(dbKinds)('the egress policy in server mode on %s', (kind) => {
  let server: TestServer;
  let allowing: TestServer;
  let provider: Listener;
  beforeAll(async () => {
    provider = await startListener('127.0.0.1');
    server = await startTestServer(kind, SERVER_MODE, noWait);
    allowing = await startTestServer(kind, { ...SERVER_MODE, NYXCORE_EGRESS_ALLOW: '127.0.0.1' }, noWait);
  });
  afterAll(async () => {
    await server.close();
    await allowing.close();
    await provider.close();
  });

  it('llm.keys.add refuses internal base URLs with a field error saying how to allow them', async () => {
    const a = await newUser(server);
    const cases: [string, RegExp][] = [
      [
        'http://127.0.0.1:11434/v1',
        /loopback addresses are denied in server mode; allow it with NYXCORE_EGRESS_ALLOW=127\.0\.0\.1$/,
      ],
      [
        'http://localhost:6379/',
        /loopback addresses are denied in server mode; allow it with NYXCORE_EGRESS_ALLOW=localhost$/,
      ],
      ['http://2130706433:5432/', /loopback/],
      ['http://169.254.169.254/latest/meta-data', /link-local/],
      ['http://10.0.0.1/v1', /private addresses are denied/],
    ];
    for (const [baseUrl, message] of cases) {
      const e = await trpcError(() =>
        a.client.trpc.llm.keys.add.mutate({ name: 'internal', kind: 'openai-compatible', baseUrl, defaultModel: 'x' }),
      );
      expect(e.httpStatus, baseUrl).toBe(400);
      expect(e.fieldErrors?.baseUrl?.[0], baseUrl).toMatch(message);
    }
    expect(await a.client.trpc.llm.keys.list.query()).toEqual([]);
  });

  it('a stored base URL that points inside is still refused when called, before connecting', async () => {
    const a = await newUser(server);
    const key = await a.client.trpc.llm.keys.add.mutate({
      name: 'public',
      kind: 'openai-compatible',
      baseUrl: 'http://93.184.215.14/v1',
      defaultModel: 'x',
    });
    // As if DNS now pointed the name inside, or the row predates the policy.
    await server.database.raw('update provider_keys set base_url = $1 where id = $2', [`${provider.url}/v1`, key.id]);
    provider.hits.length = 0;
    const r = await a.client.trpc.llm.keys.test.mutate({ id: key.id });
    expect(r.isOk).toBe(false);
    if (!r.isOk)
      expect(r.error).toMatch(
        /^public: the egress policy refused 127\.0\.0\.1: loopback addresses are denied in server mode$/,
      );
    expect(provider.hits).toEqual([]);
  });

  it('NYXCORE_EGRESS_ALLOW=127.0.0.1 admits the local endpoint, and calls reach it', async () => {
    const a = await newUser(allowing);
    const key = await a.client.trpc.llm.keys.add.mutate({
      name: 'ollama',
      kind: 'openai-compatible',
      baseUrl: `${provider.url}/v1`,
      defaultModel: 'llama3.1',
    });
    provider.hits.length = 0;
    await a.client.trpc.llm.keys.test.mutate({ id: key.id });
    expect(provider.hits).toEqual(['/v1/chat/completions']);
  });
});

describe.each(dbKinds)('an injected llmOverrides.fetch on %s', (kind) => {
  let server: TestServer;
  let provider: Listener;
  const sent: string[] = [];
  beforeAll(async () => {
    provider = await startListener('127.0.0.1');
    // Counts requests, then really sends them: a transport, still behind the policy.
    const counting: typeof fetch = (input, init) => {
      sent.push(input instanceof Request ? input.url : input.toString());
      return fetch(input, init);
    };
    server = await startTestServer(
      kind,
      { ...SERVER_MODE, NYXCORE_EGRESS_ALLOW: 'localhost' },
      { llmOverrides: { sleep: () => Promise.resolve(), fetch: counting } },
    );
  });
  afterAll(async () => {
    await server.close();
    await provider.close();
  });

  it('carries the calls the policy allows and never sees the ones it refuses', async () => {
    const a = await newUser(server);
    const allowed = await a.client.trpc.llm.keys.add.mutate({
      name: 'byname',
      kind: 'openai-compatible',
      baseUrl: `http://localhost:${provider.port}/v1`,
      defaultModel: 'x',
    });
    const refused = await a.client.trpc.llm.keys.add.mutate({
      name: 'public',
      kind: 'openai-compatible',
      baseUrl: 'http://93.184.215.14/v1',
      defaultModel: 'x',
    });
    await server.database.raw('update provider_keys set base_url = $1 where id = $2', [
      `${provider.url}/v1`,
      refused.id,
    ]);
    await a.client.trpc.llm.keys.test.mutate({ id: allowed.id });
    const r = await a.client.trpc.llm.keys.test.mutate({ id: refused.id });
    expect(r.isOk ? '' : r.error).toMatch(/^public: the egress policy refused 127\.0\.0\.1: loopback/);
    expect(sent).toEqual([`http://localhost:${provider.port}/v1/chat/completions`]);
    expect(provider.hits).toEqual(['/v1/chat/completions']);
  });
});
