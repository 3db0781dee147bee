/**
 * Crash and resume: a run (and a discussion turn) executes in a child `nyxcore worker` process, which is killed
 * with SIGKILL in the middle of a step. A second worker takes the run over once the first
 * one's lease lapses and finishes it; every completed step ran exactly once. PostgreSQL
 * only: PGlite is one process's database, so there is no second process to crash.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeLlmServer, type FakeLlmServer } from '../../src/testing/fake-llm-server.js';
import { newUser, startTestServer, testPostgresUrl, type TestServer } from '../../src/testing/harness.js';
import { sseFrames, type SseFrame } from '../../src/testing/sse-client.js';

const root = path.resolve(import.meta.dirname, '../..');

describe.skipIf(!testPostgresUrl)('a worker killed mid-step (PostgreSQL)', () => {
  let server: TestServer;
  let fake: FakeLlmServer;
  const children: ChildProcess[] = [];
  beforeAll(async () => {
    fake = await startFakeLlmServer();
    // This process only serves the API; runs execute in the child workers.
    server = await startTestServer('postgres', { NYXCORE_WORKER: 'off' });
  });
  afterAll(async () => {
    for (const c of children) c.kill('SIGKILL');
    await server.close();
    await fake.close();
  });

  function startWorker(leaseSeconds = 2): { child: ChildProcess; output: () => string } {
    let output = '';
    // `node --import tsx` runs the source in this one process, so SIGKILL really kills the worker.
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'worker'], {
      cwd: root,
      env: {
        ...process.env,
        DATABASE_URL: testPostgresUrl,
        NYXCORE_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
        NYXCORE_JOBS_NAMESPACE: server.deps.env.NYXCORE_JOBS_NAMESPACE,
        NYXCORE_RUN_LEASE_SECONDS: String(leaseSeconds),
        // Server mode denies loopback by default; the fake provider listens on 127.0.0.1.
        NYXCORE_EGRESS_ALLOW: '127.0.0.1',
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
    children.push(child);
    return { child, output: () => output };
  }

  /** Follows a live stream frame by frame; `next()` fails with the worker's output if the stream ends. */
  function follow(res: Response, output: () => string): { frames: SseFrame[]; next: () => Promise<SseFrame> } {
    const frames: SseFrame[] = [];
    const it = sseFrames(res)[Symbol.asyncIterator]();
    const next = async () => {
      const r = await it.next();
      if (r.done) throw new Error(`stream ended early; worker output:\n${output()}`);
      frames.push(r.value);
      return r.value;
    };
    return { frames, next };
  }

  it('resumes at the first unfinished step on another worker; completed steps never run twice', async () => {
    const a = await newUser(server);
    await a.client.trpc.llm.keys.add.mutate({
      name: 'local',
      kind: 'openai-compatible',
      baseUrl: `${fake.url}/openai/v1`,
      defaultModel: 'fake-model',
    });
    const wf = await a.client.trpc.workflows.create.mutate({
      name: 'Crashy',
      steps: [
        { name: 'First', prompt: 'Summarise {{input}}', provider: 'offline' },
        { name: 'Second', prompt: 'Continue from {{steps.First.content}}', provider: 'local', retries: 0 },
        { name: 'Third', prompt: 'Wrap up {{steps.Second.full}}', provider: 'offline' },
      ],
    });
    // The first worker's call hangs (it is killed while waiting); the resumed call answers.
    fake.script.openai.push({ kind: 'hang' }, { kind: 'ok', text: 'second step, resumed' });
    const w1 = startWorker();
    const run = await a.client.trpc.workflows.run.mutate({
      workflowId: wf.id,
      input: 'Queue consumers acknowledge messages before processing them.',
    });

    const res = await a.client.fetch(`${server.url}/api/v1/events/workflows/${run.id}`, {
      headers: a.client.headers(),
    });
    const { frames, next } = follow(res, w1.output);
    while (!((await next()).event === 'step.started' && frames.at(-1)?.data?.data.step === 1));
    // Mid-step: the provider request is in flight when the worker dies.
    await expect.poll(() => fake.requests.length, { timeout: 10_000 }).toBe(1);
    w1.child.kill('SIGKILL');
    await new Promise((r) => w1.child.once('exit', r));

    const w2 = startWorker();
    const deadline = Date.now() + 40_000;
    while ((await next()).event !== 'run.completed') {
      if (Date.now() > deadline) throw new Error(`run did not complete; worker 2 output:\n${w2.output()}`);
    }
    const detail = await a.client.trpc.runs.get.query({ id: run.id });
    expect(detail.status).toBe('completed');
    expect(detail.attempts).toBe(2);
    expect(detail.steps.map((s) => [s.name, s.status, s.executions])).toEqual([
      ['First', 'completed', 1],
      ['Second', 'completed', 1],
      ['Third', 'completed', 1],
    ]);
    expect(detail.steps[1]?.output).toBe('second step, resumed');
    const starts = frames.filter((f) => f.event === 'step.started').map((f) => f.data?.data.step);
    expect(starts).toEqual([0, 1, 1, 2]);
    const runStarts = frames.filter((f) => f.event === 'run.started').map((f) => f.data?.data);
    expect(runStarts).toEqual([
      { attempt: 1, resumeAt: 0, totalSteps: 3 },
      { attempt: 2, resumeAt: 1, totalSteps: 3 },
    ]);
    expect(frames.map((f) => f.id)).toEqual(frames.map((_, i) => i + 1));
    // The run's duration counts from its first start, the dead worker's time included.
    const firstStart = Date.parse(frames.find((f) => f.event === 'run.started')?.data?.at ?? '');
    const resumedAt = Date.parse(frames.filter((f) => f.event === 'run.started')[1]?.data?.at ?? '');
    const completed = frames.find((f) => f.event === 'run.completed');
    expect(resumedAt - firstStart).toBeGreaterThan(0);
    expect(completed?.data?.data.durationMs).toBeGreaterThanOrEqual(resumedAt - firstStart);
    w2.child.kill('SIGTERM');
  }, 90_000);

  it('a discussion turn resumes on another worker: finished answers stay, the interrupted one is redone', async () => {
    const a = await newUser(server);
    await a.client.trpc.llm.keys.add.mutate({
      name: 'local',
      kind: 'openai-compatible',
      baseUrl: `${fake.url}/openai/v1`,
      defaultModel: 'fake-model',
    });
    const before = fake.requests.length;
    // Consensus, one round: offline answers first, then "local" hangs until its worker is killed.
    fake.script.openai.push({ kind: 'hang' }, { kind: 'ok', text: 'local, resumed' });
    const w1 = startWorker();
    const { id } = await a.client.trpc.discussions.create.mutate({
      title: 'Crash',
      mode: 'consensus',
      consensusRounds: 1,
      participants: [{ provider: 'offline' }, { provider: 'local' }],
      message: 'Should we keep the monolith for another year?',
    });
    const res = await a.client.fetch(`${server.url}/api/v1/events/discussions/${id}`, { headers: a.client.headers() });
    const { frames, next } = follow(res, w1.output);
    while (!((await next()).event === 'message.created' && frames.at(-1)?.data?.data.participantKey === 'p2'));
    await expect.poll(() => fake.requests.length - before, { timeout: 10_000 }).toBe(1);
    w1.child.kill('SIGKILL');
    await new Promise((r) => w1.child.once('exit', r));
    const w2 = startWorker();
    const deadline = Date.now() + 40_000;
    while ((await next()).event !== 'turn.completed') {
      if (Date.now() > deadline) throw new Error(`turn did not complete; worker 2 output:\n${w2.output()}`);
    }
    const d = await a.client.trpc.discussions.get.query({ id });
    expect(d.messages.map((m) => [m.authorKind, m.participantKey, m.status])).toEqual([
      ['user', null, 'complete'],
      ['participant', 'p1', 'complete'],
      ['participant', 'p2', 'failed'],
      ['participant', 'p2', 'complete'],
      ['synthesis', 'synthesis', 'complete'],
    ]);
    expect(d.messages[3]?.content).toBe('local, resumed');
    expect(frames.filter((f) => f.event === 'message.failed').map((f) => f.data?.data.lane)).toEqual(['p2']);
    expect(frames.filter((f) => f.event === 'message.created' && f.data?.data.participantKey === 'p1')).toHaveLength(1);
    expect(d.status).toBe('idle');
    w2.child.kill('SIGTERM');
  }, 90_000);

  it('a worker stopped with SIGTERM hands its run back at once (no waiting for the lease to lapse)', async () => {
    const a = await newUser(server);
    await a.client.trpc.llm.keys.add.mutate({
      name: 'local',
      kind: 'openai-compatible',
      baseUrl: `${fake.url}/openai/v1`,
      defaultModel: 'fake-model',
    });
    const wf = await a.client.trpc.workflows.create.mutate({
      name: 'Deploy',
      steps: [
        { name: 'One', prompt: 'Summarise {{input}}', provider: 'offline' },
        { name: 'Two', prompt: 'Go on from {{steps.One.content}}', provider: 'local', retries: 0 },
      ],
    });
    const before = fake.requests.length;
    fake.script.openai.length = 0;
    fake.script.openai.push({ kind: 'hang' }, { kind: 'ok', text: 'two, on the next worker' });
    // A lease of 120 s: only an explicit hand-back lets the run finish within this test.
    const w1 = startWorker(120);
    const run = await a.client.trpc.workflows.run.mutate({
      workflowId: wf.id,
      input: 'Blue-green deployments with a shared database.',
    });
    const res = await a.client.fetch(`${server.url}/api/v1/events/workflows/${run.id}`, {
      headers: a.client.headers(),
    });
    const { frames, next } = follow(res, w1.output);
    while (!((await next()).event === 'step.started' && frames.at(-1)?.data?.data.step === 1));
    await expect.poll(() => fake.requests.length - before, { timeout: 10_000 }).toBe(1);
    const started = Date.now();
    w1.child.kill('SIGTERM');
    const code = await new Promise((r) => w1.child.once('exit', r));
    expect(code).toBe(0);
    const w2 = startWorker(120);
    while ((await next()).event !== 'run.completed') {
      if (Date.now() - started > 40_000) throw new Error(`run did not complete; worker 2 output:\n${w2.output()}`);
    }
    const detail = await a.client.trpc.runs.get.query({ id: run.id });
    expect(detail.steps.map((s) => [s.status, s.executions])).toEqual([
      ['completed', 1],
      ['completed', 1],
    ]);
    expect(detail.steps[1]?.output).toBe('two, on the next worker');
    expect(Date.now() - started).toBeLessThan(60_000);
    w2.child.kill('SIGTERM');
  }, 90_000);
});
