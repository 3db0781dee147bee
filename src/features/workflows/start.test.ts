/**
 * Starting and retrying a run as a service (no HTTP): committed first, then queued outside
 * any transaction; a queue that refuses leaves the run failed with a reason, never queued forever.
 */
import { describe, expect, it } from 'vitest';
import type { TenantGrant } from '../../platform/access/tenant-access.js';
import { effectiveScopes } from '../../platform/access/scopes.js';
import type { FakeLlmServer } from '../../testing/fake-llm-server.js';
import { dbKinds, newUser, type TestServer, type TestUser } from '../../testing/harness.js';
import { useServers } from '../../testing/suite.js';
import { startRetry, startRun } from './runs.js';

describe.each(dbKinds)('starting runs on %s', (kind) => {
  let server: TestServer;
  let _fake: FakeLlmServer;
  useServers(kind, (s) => ({ server, fake: _fake } = s));

  const grantOf = (u: TestUser): TenantGrant => ({
    tenantId: u.tenantId,
    userId: u.userId,
    role: 'owner',
    scopes: effectiveScopes('owner', null),
    projectPin: null,
    ip: null,
  });
  const refusingQueue = (sent: string[]) => ({
    ...server.deps,
    jobs: {
      ...server.deps.jobs,
      send: (name: string) => (sent.push(name), Promise.reject(new Error('queue down'))),
    } as typeof server.deps.jobs,
  });

  it('a run the queue refuses is marked failed with the reason, and the caller sees the error', async () => {
    const u = await newUser(server);
    const wf = await u.client.trpc.workflows.create.mutate({
      name: 'Refused',
      projectId: null,
      steps: [{ name: 'One', prompt: 'Say hi about {{input}}' }],
    });
    const sent: string[] = [];
    await expect(startRun(refusingQueue(sent), grantOf(u), { workflowId: wf.id, input: 'x' })).rejects.toThrow(
      'queue down',
    );
    expect(sent).toEqual(['workflow-run']);
    const [run] = await u.client.trpc.runs.list.query({ workflowId: wf.id });
    expect(run).toMatchObject({ status: 'failed', error: 'The job queue did not accept the run; try again' });
    // A retry the queue refuses fails the same way; one it accepts is queued again.
    await expect(startRetry(refusingQueue(sent), grantOf(u), { id: run!.id, fromStep: 0 })).rejects.toThrow(
      'queue down',
    );
    expect((await u.client.trpc.runs.get.query({ id: run!.id })).status).toBe('failed');
    const retried = await startRetry(server.deps, grantOf(u), { id: run!.id, fromStep: 0 });
    expect(retried.id).toBe(run!.id);
    expect(['queued', 'running', 'completed']).toContain((await u.client.trpc.runs.get.query({ id: run!.id })).status);
  });
});
