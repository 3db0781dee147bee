/**
 * Errors raised before tRPC sees a request (per-IP rate limit, body limit, origin check)
 * reach the tRPC client readable: in tRPC's shape, one entry per batched call, with the
 * message a person can act on. They once arrived in the REST shape and the web app showed
 * "Unable to transform response from server".
 */
import { TRPCClientError } from '@trpc/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newUser, startTestServer, trpcError, type TestServer, type TestUser } from '../../testing/harness.js';

describe('errors on /api/trpc before tRPC runs', () => {
  let server: TestServer;
  let user: TestUser;
  let projectId: string;
  beforeAll(async () => {
    server = await startTestServer('pglite', { NYXCORE_RATE_LIMIT_API_PER_MIN: '20' });
    user = await newUser(server);
    projectId = (await user.client.trpc.projects.create.mutate({ name: 'Big notes' })).id;
  });
  afterAll(() => server.close());

  it('a body over the limit is a readable 413 for one call and for every call of a batch', async () => {
    const huge = 'x'.repeat(2 * 1024 * 1024);
    const err = await trpcError(() => user.client.trpc.notes.create.mutate({ projectId, title: 'Huge', body: huge }));
    expect(err.httpStatus).toBe(413);
    expect(err.code).toBe('PAYLOAD_TOO_LARGE');
    expect(err.message).toBe('This request is larger than the 1 MiB limit');
    const body = JSON.stringify({
      0: { json: { projectId, title: 'a', body: huge } },
      1: { json: { projectId, title: 'b' } },
    });
    const res = await user.client.raw('/api/trpc/notes.create,notes.create?batch=1', { method: 'POST', body });
    expect(res.status).toBe(413);
    const entries = (await res.json()) as { error: { json: { message: string; data: { httpStatus: number } } } }[];
    expect(entries.map((e) => e.error.json.data.httpStatus)).toEqual([413, 413]);
  });

  it('a cross-origin request is refused in tRPC shape', async () => {
    const res = await user.client.raw('/api/trpc/projects.create', {
      method: 'POST',
      body: JSON.stringify({ json: { name: 'x' } }),
      headers: { origin: 'http://evil.example' },
    });
    expect(res.status).toBe(403);
    const body = (await res.json()) as { error: { json: { message: string; data: { code: string } } } };
    expect(body.error.json.data.code).toBe('FORBIDDEN');
    expect(body.error.json.message).toMatch(/Cross-origin/);
  });

  it('the per-IP rate limit says when to try again, through the real client', async () => {
    let caught: Error | null = null;
    for (let i = 0; i < 60 && !caught; i++) {
      // A public procedure: only the per-IP limit (in front of tRPC) applies to it.
      await user.client.trpc.auth.status.query().catch((err: Error) => (caught = err));
    }
    expect(caught).toBeInstanceOf(TRPCClientError);
    const err = caught as unknown as { data: { httpStatus: number }; message: string };
    expect(err.data.httpStatus).toBe(429);
    expect(err.message).toMatch(/^Too many requests; try again in \d+ s$/);
  });
});
