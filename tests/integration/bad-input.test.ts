/**
 * Bad input through the real HTTP surface: every malformed request is a 4xx with a message
 * naming the offending field, nothing is persisted, and no response leaks internals.
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import net from 'node:net';
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

/** Stack frames, driver/ORM names and raw SQL have no business in a response body. */
function expectNoInternals(body: string): void {
  expect(body).not.toMatch(/\bat [^\s]+ \(|\bat (file|node):|\.ts:\d+:\d+|\.js:\d+:\d+/);
  expect(body).not.toMatch(/drizzle/i);
  expect(body).not.toMatch(/postgres|pglite|Failed query|SQLSTATE|node_modules/i);
  expect(body).not.toMatch(/"stack"/);
}

/** Records every response body the client receives (the typed client hides them). */
function recordBodies(client: TestClient): string[] {
  const bodies: string[] = [];
  const original = client.fetch.bind(client);
  client.fetch = async (input, init) => {
    const res = await original(input, init);
    bodies.push(await res.clone().text());
    return res;
  };
  return bodies;
}

/**
 * One request on its own connection (`agent: false`, so `Connection: close`): an oversized
 * body must not leave a half-read socket in the shared fetch pool for later tests.
 */
function postOnFreshConnection(
  url: string,
  headers: Record<string, string>,
  body: string,
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      {
        method: 'POST',
        agent: false,
        headers: { ...headers, 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      },
    );
    // The server may answer and close before it has read the whole body.
    req.on('error', reject);
    req.end(body);
  });
}

/** Waits (bounded) until `done()` holds, polling on the event loop rather than sleeping a fixed time. */
async function until(done: () => boolean, timeoutMs = 5_000): Promise<void> {
  const start = Date.now();
  while (!done() && Date.now() - start < timeoutMs) await new Promise((r) => setTimeout(r, 10));
}

describe.each(dbKinds)('bad input on %s', (kind) => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer(kind);
  });
  afterAll(() => server.close());

  async function userWithProject(): Promise<{ user: TestUser; projectId: string; bodies: string[] }> {
    const user = await newUser(server);
    const p = await user.client.trpc.projects.create.mutate({ name: `Existing ${randomUUID().slice(0, 6)}` });
    const bodies = recordBodies(user.client);
    return { user, projectId: p.id, bodies };
  }

  it('projects.create rejects an empty or 500-char name with 400 naming `name`, and creates nothing', async () => {
    const { user, bodies } = await userWithProject();
    const t = user.client.trpc;
    const before = await t.projects.list.query();

    const empty = await trpcError(() => t.projects.create.mutate({ name: '' }));
    expect(empty.httpStatus).toBe(400);
    expect(empty.code).toBe('BAD_REQUEST');
    expect(empty.fieldErrors?.name?.length).toBeGreaterThan(0);
    expect(empty.message).toMatch(/\bname\b/);

    const blank = await trpcError(() => t.projects.create.mutate({ name: '    ' }));
    expect(blank.httpStatus).toBe(400);
    expect(blank.fieldErrors?.name).toBeDefined();

    const long = await trpcError(() => t.projects.create.mutate({ name: 'x'.repeat(500) }));
    expect(long.httpStatus).toBe(400);
    expect(long.fieldErrors?.name?.length).toBeGreaterThan(0);
    expect(long.message).toMatch(/\bname\b/);

    expect(await t.projects.list.query()).toEqual(before);
    expect(bodies.length).toBeGreaterThan(0);
    for (const b of bodies) expectNoInternals(b);
  });

  it('notes.create rejects a body over 200,000 characters with 400 naming `body`, and stores no note', async () => {
    const { user, projectId, bodies } = await userWithProject();
    const t = user.client.trpc;
    await t.notes.create.mutate({ projectId, title: 'exactly at the limit', body: 'y'.repeat(200_000) });
    const before = await t.notes.list.query({ projectId });
    expect(before).toHaveLength(1);

    const err = await trpcError(() =>
      t.notes.create.mutate({ projectId, title: 'too long', body: 'y'.repeat(200_001) }),
    );
    expect(err.httpStatus).toBe(400);
    expect(err.fieldErrors?.body?.length).toBeGreaterThan(0);
    expect(err.message).toMatch(/\bbody\b/);

    const upd = await trpcError(() => t.notes.update.mutate({ id: before[0]?.id ?? '', body: 'z'.repeat(200_001) }));
    expect(upd.httpStatus).toBe(400);
    expect(upd.fieldErrors?.body).toBeDefined();

    expect(await t.notes.list.query({ projectId })).toEqual(before);
    expect((await t.notes.get.query({ id: before[0]?.id ?? '' })).body).toBe('y'.repeat(200_000));
    for (const b of bodies) expectNoInternals(b);
  });

  it('a non-uuid id is 400 naming `id`, not a 500 from the database', async () => {
    const { user, bodies } = await userWithProject();
    const t = user.client.trpc;
    for (const call of [
      () => t.projects.get.query({ id: 'not-a-uuid' }),
      () => t.notes.get.query({ id: 'not-a-uuid' }),
      () => t.projects.delete.mutate({ id: "1' or '1'='1" }),
    ]) {
      const err = await trpcError(call);
      expect(err.httpStatus).toBe(400);
      expect(err.fieldErrors?.id?.length).toBeGreaterThan(0);
      expect(err.message).toMatch(/\bid\b/);
    }
    const list = await trpcError(() => t.notes.list.query({ projectId: 'nope' }));
    expect(list.httpStatus).toBe(400);
    expect(list.fieldErrors?.projectId).toBeDefined();
    for (const b of bodies) expectNoInternals(b);
  });

  it('a wrongly typed raw payload is 400 naming `name`, and creates nothing', async () => {
    const { user } = await userWithProject();
    const before = await user.client.trpc.projects.list.query();
    for (const json of [{ name: 123 }, { name: null }, { name: ['a'] }, {}]) {
      const res = await user.client.raw('/api/trpc/projects.create', {
        method: 'POST',
        body: JSON.stringify({ json }),
      });
      const text = await res.text();
      expect(res.status, `${JSON.stringify(json)} → ${text}`).toBe(400);
      expect(text).toMatch(/\bname\b/);
      expectNoInternals(text);
    }
    expect(await user.client.trpc.projects.list.query()).toEqual(before);
  });

  it('malformed JSON is 400, not 500, and creates nothing', async () => {
    const { user } = await userWithProject();
    const before = await user.client.trpc.projects.list.query();
    for (const body of ['{"json":', 'not json at all', '{"json":{"name":"x"}']) {
      const res = await user.client.raw('/api/trpc/projects.create', { method: 'POST', body });
      const text = await res.text();
      expect(res.status, `${body} → ${text}`).toBe(400);
      expectNoInternals(text);
    }
    expect(await user.client.trpc.projects.list.query()).toEqual(before);
  });

  it('a body over 1 MiB is 413, not 500, and creates nothing', async () => {
    const { user } = await userWithProject();
    const before = await user.client.trpc.projects.list.query();
    const body = JSON.stringify({ json: { name: 'big', description: 'd'.repeat(1024 * 1024 + 10) } });
    const res = await postOnFreshConnection(`${server.url}/api/trpc/projects.create`, user.client.headers(), body);
    expect(res.status, res.text).toBe(413);
    expectNoInternals(res.text);
    expect(JSON.parse(res.text)).toMatchObject({
      error: { json: { data: { code: 'PAYLOAD_TOO_LARGE', httpStatus: 413 } } },
    });
    expect(await user.client.trpc.projects.list.query()).toEqual(before);
  });

  it('after a 413 on a keep-alive connection, the server either says Connection: close or answers the next request', async () => {
    const { port } = new URL(server.url);
    const sock = net.connect(Number(port), '127.0.0.1');
    let data = '';
    let closed = false;
    sock.setEncoding('utf8');
    sock.on('data', (d: string) => (data += d));
    sock.on('close', () => (closed = true));
    sock.on('error', () => undefined);
    try {
      await new Promise((r) => sock.once('connect', r));
      const body = 'x'.repeat(1024 * 1024 + 10);
      sock.write(
        `POST /api/trpc/projects.create HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`,
      );
      sock.write(body);
      await until(() => data.includes('\r\n\r\n') || closed);
      const [head = ''] = data.split('\r\n\r\n');
      expect(head).toMatch(/^HTTP\/1\.1 413/);
      if (/^connection:\s*close/im.test(head)) return; // the client was told not to reuse the socket: fine
      // The 413 promised keep-alive, so the socket must serve the next request.
      sock.write('GET /api/v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
      await until(() => data.includes('"status"') || closed);
      expect(
        data.includes('"status"'),
        `the server closed the socket instead of answering; the 413 said:\n${head}`,
      ).toBe(true);
    } finally {
      sock.destroy();
    }
  });

  it('an unknown tRPC procedure is 404', async () => {
    const { user } = await userWithProject();
    const post = await user.client.raw('/api/trpc/nope.nothing', {
      method: 'POST',
      body: JSON.stringify({ json: {} }),
    });
    const postText = await post.text();
    expect(post.status, postText).toBe(404);
    expectNoInternals(postText);
    const get = await user.client.raw('/api/trpc/nope.nothing');
    const getText = await get.text();
    expect(get.status, getText).toBe(404);
    expectNoInternals(getText);
  });

  it.each([
    ['GET', '/api/v1/nope'],
    ['POST', '/api/v1/nope'],
    ['GET', '/api/nope'],
  ] as const)('an unknown REST path %s %s is a 404 JSON error, not the web app', async (method, path) => {
    const client = new TestClient(server.url);
    const res = await client.raw(path, { method, ...(method === 'POST' ? { body: '{}' } : {}) });
    const text = await res.text();
    expect(
      res.status,
      `${method} ${path} → ${res.status} ${res.headers.get('content-type')} ${text.slice(0, 200)}`,
    ).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/application\/json/);
    expect(JSON.parse(text)).toMatchObject({ error: { code: 'NOT_FOUND' } });
  });

  it('auth.signUp with an invalid email and a 3-char password is 400 naming both, and creates no account', async () => {
    const client = new TestClient(server.url);
    const bodies = recordBodies(client);
    const err = await trpcError(() =>
      client.trpc.auth.signUp.mutate({ email: 'not-an-email', password: 'abc', name: 'Mallory' }),
    );
    expect(err.httpStatus).toBe(400);
    expect(err.fieldErrors?.email?.length).toBeGreaterThan(0);
    expect(err.fieldErrors?.password?.length).toBeGreaterThan(0);
    expect(client.cookies.has('nyx_session')).toBe(false);

    // A valid email with a short password: still nothing created, so signing in with it fails.
    const email = `short-${randomUUID().slice(0, 8)}@example.test`;
    const short = await trpcError(() => client.trpc.auth.signUp.mutate({ email, password: 'abc', name: 'Mallory' }));
    expect(short.httpStatus).toBe(400);
    expect(short.fieldErrors?.password?.length).toBeGreaterThan(0);
    expect(short.fieldErrors?.email).toBeUndefined();

    const signIn = await trpcError(() => client.trpc.auth.signIn.mutate({ email, password: 'abc' }));
    expect(signIn.httpStatus).toBe(401);
    const signInInvalid = await trpcError(() =>
      client.trpc.auth.signIn.mutate({ email: 'not-an-email', password: 'abc' }),
    );
    expect([400, 401]).toContain(signInInvalid.httpStatus);
    const status = await client.trpc.auth.status.query();
    expect(status.user).toBeNull();

    const rows = await server.database.raw<{ n: number }>(
      'select count(*)::int as n from users where lower(email) in ($1, $2)',
      [email, 'not-an-email'],
    );
    expect(rows[0]?.n).toBe(0);
    // The same email with a proper password can still sign up (the failed attempt reserved nothing).
    await client.trpc.auth.signUp.mutate({ email, password: 'a proper long password', name: 'Mallory' });
    expect((await client.trpc.auth.status.query()).user?.email).toBe(email);
    for (const b of bodies) expectNoInternals(b);
  });
});
