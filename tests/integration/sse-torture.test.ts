/**
 * SSE torture: 200 clients connect and disconnect at random moments (some mid-connect,
 * some resuming with Last-Event-ID) while a run streams. Nothing may throw "Controller is
 * already closed" / ERR_INVALID_STATE or reject unhandled; subscribers, open streams and
 * timers return to their baseline; the run completes and a full replay is intact.
 */
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStreamCount } from '../../src/platform/events/sse.js';
import { startFakeLlmServer, type FakeLlmServer } from '../../src/testing/fake-llm-server.js';
import { dbKinds, newUser, startTestServer, type TestServer } from '../../src/testing/harness.js';
import { readFrames, sseFrames } from '../../src/testing/sse-client.js';
import { prng } from '../../bench/prng.js';

const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;

describe.each(dbKinds)('SSE under 200 randomly disconnecting clients on %s', (kind) => {
  let server: TestServer;
  let fake: FakeLlmServer;
  const logLines: string[] = [];
  const processErrors: unknown[] = [];
  const onProcessError = (err: unknown) => processErrors.push(err);
  beforeAll(async () => {
    process.on('unhandledRejection', onProcessError);
    process.on('uncaughtException', onProcessError);
    fake = await startFakeLlmServer();
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        logLines.push(chunk.toString());
        done();
      },
    });
    server = await startTestServer(kind, {}, { log: pino({ level: 'debug' }, sink) });
  });
  afterAll(async () => {
    process.off('unhandledRejection', onProcessError);
    process.off('uncaughtException', onProcessError);
    await server.close();
    await fake.close();
  });

  it('cleans up after every client and never touches a closed stream', async () => {
    const a = await newUser(server);
    await a.client.trpc.llm.keys.add.mutate({
      name: 'slow',
      kind: 'openai-compatible',
      baseUrl: `${fake.url}/openai/v1`,
      defaultModel: 'fake-model',
    });
    const wf = await a.client.trpc.workflows.create.mutate({
      name: 'Streamy',
      steps: ['One', 'Two', 'Three'].map((name) => ({
        name,
        prompt: `Write part ${name} about {{input}}`,
        provider: 'slow',
      })),
    });
    for (let i = 0; i < 3; i++) fake.script.openai.push({ kind: 'ok', text: `part ${i} `.repeat(50), chunkDelayMs: 4 });
    const baseline = { listeners: server.deps.hub.listenerCount, streams: openStreamCount(), timers: timers() };
    const run = await a.client.trpc.workflows.run.mutate({ workflowId: wf.id, input: 'resilient streaming' });
    const url = `${server.url}/api/v1/events/workflows/${run.id}`;
    const rand = prng(42);
    const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

    const client = async (i: number) => {
      await sleep(rand() * 1_500);
      const abort = new AbortController();
      const headers: Record<string, string> = { ...a.client.headers() };
      if (i % 5 === 0) headers['last-event-id'] = String(Math.floor(rand() * 20));
      const mode = i % 4;
      if (mode === 0) setTimeout(() => abort.abort(), rand() * 5); // often mid-connect
      try {
        const res = await fetch(url, { headers, signal: abort.signal });
        if (mode === 3) return await readFrames(res); // to the end
        setTimeout(() => abort.abort(), rand() * 600);
        for await (const _f of sseFrames(res));
      } catch (err) {
        if ((err as Error).name !== 'AbortError') throw err;
      }
      return [];
    };
    const results = await Promise.all(Array.from({ length: 200 }, (_, i) => client(i)));

    const full = await readFrames(await fetch(url, { headers: a.client.headers() }));
    expect(full.at(-1)?.event).toBe('run.completed');
    expect(full.map((f) => f.id)).toEqual(full.map((_, i) => i + 1));
    for (const r of results.filter((x) => x.length)) expect(r.at(-1)?.event).toBe('run.completed');

    await expect
      .poll(() => [server.deps.hub.listenerCount, openStreamCount()], { timeout: 5_000 })
      .toEqual([baseline.listeners, baseline.streams]);
    await expect.poll(timers, { timeout: 5_000 }).toBeLessThanOrEqual(baseline.timers);
    expect(logLines.filter((l) => /ERR_INVALID_STATE|already closed|Invalid state/i.test(l))).toEqual([]);
    expect(logLines.filter((l) => /"level":50/.test(l))).toEqual([]);
    expect(processErrors).toEqual([]);
  }, 60_000);
});
