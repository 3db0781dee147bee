import { describe, expect, it } from 'vitest';
import type { FakeLlmServer } from '../../testing/fake-llm-server.js';
import { dbKinds, newUser, trpcError, type TestServer, type TestUser } from '../../testing/harness.js';
import { readFrames, readUntil, type SseFrame } from '../../testing/sse-client.js';
import { addFakeKey } from '../../testing/fake-keys.js';
import { useServers } from '../../testing/suite.js';
import { detectLanguage } from './language.js';
import { historyFor } from './prompts.js';

describe('discussion helpers', () => {
  it('detects the language of the user’s messages, defaulting to English on little evidence', () => {
    expect(detectLanguage('Wie können wir das Caching verbessern, ohne dass die Daten veralten?')).toBe('de');
    expect(detectLanguage('Comment pouvons-nous réduire la latence de nos requêtes ?')).toBe('fr');
    expect(detectLanguage('How should we shard the orders table?')).toBe('en');
    expect(detectLanguage('SELECT * FROM x;')).toBe('en');
  });

  it('shows each participant its own answers as assistant turns and everyone else’s as user turns, merged', () => {
    const m = (
      authorKind: 'user' | 'participant',
      participantKey: string | null,
      authorName: string,
      content: string,
    ) => ({ authorKind, participantKey, authorName, content, status: 'complete' as const });
    const h = historyFor(
      [m('user', null, 'Ann', 'Q?'), m('participant', 'p1', 'A', 'a1'), m('participant', 'p2', 'B', 'b1')],
      'p2',
    );
    expect(h).toEqual([
      { role: 'user', content: '[Ann (user)]: Q?\n\n[A]: a1' },
      { role: 'assistant', content: 'b1' },
      { role: 'user', content: 'Continue the discussion.' },
    ]);
  });
});

describe.each(dbKinds)('discussions on %s', (kind) => {
  let server: TestServer;
  let fake: FakeLlmServer;
  useServers(kind, (s) => ({ server, fake } = s));

  const stream = (u: TestUser, id: string, headers: Record<string, string> = {}) =>
    u.client.fetch(`${server.url}/api/v1/events/discussions/${id}`, { headers: { ...u.client.headers(), ...headers } });
  const turnDone = (turn: number) => (f: SseFrame) => f.event === 'turn.completed' && f.data?.data.turn === turn;
  async function withProviders(u: TestUser) {
    await addFakeKey(u, fake, { apiKey: 'sk-test-openai-1' });
    await addFakeKey(u, fake, { kind: 'anthropic', apiKey: 'sk-ant-test-1' });
    await addFakeKey(u, fake, { kind: 'google', apiKey: 'g-test-key-1' });
  }
  const bodyText = (i: number) => JSON.stringify(fake.requests[i]?.body ?? {});

  it('single mode streams one participant’s answer token by token; the persona gains XP', async () => {
    const a = await newUser(server);
    await withProviders(a);
    const persona = (await a.client.trpc.personas.list.query({})).find((p) => p.name === 'Security Auditor');
    // Chunks slower than the 50 ms delta coalescing, so even a loaded machine sees several deltas.
    fake.script.anthropic.push({
      kind: 'ok',
      text: 'Rotate the signing keys every ninety days and keep the old key for verification.',
      chunkDelayMs: 60,
      tokensIn: 40,
      tokensOut: 18,
    });
    const { id } = await a.client.trpc.discussions.create.mutate({
      title: 'Keys',
      mode: 'single',
      participants: [{ personaId: persona?.id ?? null, provider: 'anthropic' }],
      message: 'How often should we rotate JWT signing keys?',
    });
    const frames = await readUntil(await stream(a, id), turnDone(1));
    const deltas = frames.filter((f) => f.event === 'message.delta');
    expect(deltas.length).toBeGreaterThan(1);
    expect(new Set(deltas.map((f) => f.data?.data.lane))).toEqual(new Set(['p1']));
    const d = await a.client.trpc.discussions.get.query({ id });
    const answer = d.messages.find((m) => m.authorKind === 'participant');
    expect(answer).toMatchObject({
      status: 'complete',
      authorName: 'Security Auditor',
      provider: 'anthropic',
      tokensIn: 40,
      tokensOut: 18,
    });
    expect(deltas.map((f) => f.data?.data.text).join('')).toBe(answer?.content);
    expect(d.participantTotals).toEqual([
      { key: 'p1', messages: 1, tokensIn: 40, tokensOut: 18, costUsd: expect.any(Number), unpricedCalls: 0 },
    ]);
    expect([d.tokensIn, d.tokensOut, d.status]).toEqual([40, 18, 'idle']);
    expect((await a.client.trpc.discussions.list.query({})).map((x) => [x.title, x.messageCount])).toEqual([
      ['Keys', 2],
    ]);
    expect(bodyText(fake.requests.length - 1)).toContain(persona?.systemPrompt.slice(0, 30));
    expect((await a.client.trpc.personas.get.query({ id: persona?.id ?? '' })).xp).toBe((persona?.xp ?? 0) + 10);
  });

  it('parallel mode answers on one lane per participant; a failing provider gets an error event and the others finish', async () => {
    const a = await newUser(server);
    await withProviders(a);
    fake.script.openai.push({ kind: 'ok', text: 'OpenAI says: use a queue.', chunkDelayMs: 5 });
    fake.script.anthropic.push({ kind: 'status', status: 400, message: 'bad request from fake' });
    fake.script.google.push({ kind: 'ok', text: 'Gemini says: use a cron.', chunkDelayMs: 5 });
    const { id } = await a.client.trpc.discussions.create.mutate({
      title: 'Jobs',
      mode: 'parallel',
      participants: [{ provider: 'openai' }, { provider: 'anthropic' }, { provider: 'google' }],
      message: 'How should we run nightly exports?',
    });
    const frames = await readUntil(await stream(a, id), turnDone(1));
    const failed = frames.filter((f) => f.event === 'message.failed');
    expect(failed.map((f) => f.data?.data.lane)).toEqual(['p2']);
    expect(String(failed[0]?.data?.data.error)).toContain('bad request from fake');
    const done = frames.filter((f) => f.event === 'message.completed').map((f) => f.data?.data.lane);
    expect(done.sort()).toEqual(['p1', 'p3']);
    const d = await a.client.trpc.discussions.get.query({ id });
    expect(d.messages.filter((m) => m.authorKind === 'participant').map((m) => [m.participantKey, m.status])).toEqual([
      ['p1', 'complete'],
      ['p2', 'failed'],
      ['p3', 'complete'],
    ]);
    expect(d.messages.find((m) => m.participantKey === 'p3')?.content).toBe('Gemini says: use a cron.');
  });

  it('consensus mode goes round-robin, each participant seeing the previous turns, and closes with a synthesis', async () => {
    const a = await newUser(server);
    await withProviders(a);
    const first = fake.requests.length;
    fake.script.openai.push(
      { kind: 'ok', text: 'ALPHA-1: Postgres is enough.' },
      { kind: 'ok', text: 'ALPHA-2: still Postgres.' },
      { kind: 'ok', text: '## Agreed\nPostgres first.\n## Disputed\nKafka later.\n## Positions\n- openai: Postgres' },
    );
    fake.script.google.push(
      { kind: 'ok', text: 'BETA-1: Kafka scales better.' },
      { kind: 'ok', text: 'BETA-2: agree on Postgres for now.' },
    );
    const { id } = await a.client.trpc.discussions.create.mutate({
      title: 'Queue',
      mode: 'consensus',
      consensusRounds: 2,
      participants: [{ provider: 'openai' }, { provider: 'google' }],
      message: 'Should we use Kafka or Postgres as our job queue?',
    });
    const frames = await readUntil(await stream(a, id), turnDone(1));
    const created = frames
      .filter((f) => f.event === 'message.created' && f.data?.data.authorKind !== 'user')
      .map((f) => [f.data?.data.participantKey, f.data?.data.round]);
    expect(created).toEqual([
      ['p1', 1],
      ['p2', 1],
      ['p1', 2],
      ['p2', 2],
      ['synthesis', 2],
    ]);
    expect(frames.filter((f) => f.event === 'round.started').map((f) => f.data?.data.round)).toEqual([1, 2]);
    const bodies = fake.requests.slice(first).map((r) => JSON.stringify(r.body));
    expect(bodies).toHaveLength(5);
    expect(bodies[1]).toContain('ALPHA-1'); // google, round 1, saw openai's first answer
    expect(bodies[2]).toContain('BETA-1'); // openai, round 2, saw google's answer
    expect(bodies[3]).toContain('ALPHA-2');
    expect(bodies[4]).toContain('BETA-2'); // the synthesis saw everything
    expect(bodies[1]).toContain('in a roundtable with openai');
    expect(bodies[1]).toContain('Do not start your reply with your own name');
    const d = await a.client.trpc.discussions.get.query({ id });
    expect(d.messages.at(-1)).toMatchObject({ authorKind: 'synthesis', authorName: 'Synthesis', status: 'complete' });
    expect(d.messages.at(-1)?.content).toContain('## Disputed');
  });

  it('stop mid-stream keeps the partial answer marked stopped; a later message is answered normally, in the user’s language', async () => {
    const a = await newUser(server);
    await withProviders(a);
    const long = 'word '.repeat(400);
    fake.script.openai.push({ kind: 'ok', text: long, chunkDelayMs: 10 });
    const { id } = await a.client.trpc.discussions.create.mutate({
      title: 'Long',
      mode: 'single',
      participants: [{ provider: 'openai' }],
      message: 'Write a lot.',
    });
    const res = await stream(a, id);
    const upTo = await readUntil(res, (f) => f.event === 'message.delta');
    expect(await a.client.trpc.discussions.stop.mutate({ id })).toEqual({ status: 'stopping' });
    const rest = await readUntil(await stream(a, id, { 'last-event-id': String(upTo.at(-1)?.id) }), turnDone(1));
    const completed = rest.find((f) => f.event === 'message.completed');
    expect(completed?.data?.data.status).toBe('stopped');
    expect(rest.at(-1)?.data?.data.isStopped).toBe(true);
    const d = await a.client.trpc.discussions.get.query({ id });
    const partial = d.messages.find((m) => m.authorKind === 'participant');
    expect(partial?.status).toBe('stopped');
    expect(partial?.content.length).toBeGreaterThan(0);
    expect(partial?.content.length).toBeLessThan(long.length);
    // What streamed before the stop is paid for: estimated (~4 characters a token), never 0.
    const streamedTokens = Math.ceil((partial?.content.length ?? 0) / 4);
    expect(completed?.data?.data).toMatchObject({ tokensOut: streamedTokens, costUsd: expect.any(Number) });
    expect(completed?.data?.data.tokensIn).toBeGreaterThan(0);
    expect(completed?.data?.data.costUsd).toBeGreaterThan(0);
    expect(partial).toMatchObject({ tokensOut: streamedTokens, unpricedCalls: 0 });
    expect([d.tokensOut, d.costUsd]).toEqual([streamedTokens, partial?.costUsd]);
    const ledger = await a.client.trpc.llm.usage.recent.query({ limit: 5 });
    expect(ledger.find((c) => c.outcome === 'cancelled')).toMatchObject({
      provider: 'openai',
      tokensOut: streamedTokens,
    });
    // Sent at once, while the worker may still be wrapping up the stopped turn: it is answered, not skipped.
    fake.script.openai.push({ kind: 'ok', text: 'Gern.' });
    const before = fake.requests.length;
    await a.client.trpc.discussions.send.mutate({
      id,
      content: 'Kannst du das bitte auf Deutsch zusammenfassen, und zwar kurz?',
    });
    await readUntil(await stream(a, id, { 'last-event-id': String(rest.at(-1)?.id) }), turnDone(2));
    expect(bodyText(before)).toContain('Reply in German.');
    expect((await a.client.trpc.discussions.get.query({ id })).messages.at(-1)).toMatchObject({
      turn: 2,
      status: 'complete',
      content: 'Gern.',
    });
  });

  it('an answer from a model without a price is unpriced on the message and the discussion, not free', async () => {
    const a = await newUser(server);
    await withProviders(a);
    fake.script.openai.push({ kind: 'ok', text: 'From the house model.', tokensIn: 12, tokensOut: 6 });
    const { id } = await a.client.trpc.discussions.create.mutate({
      title: 'House',
      mode: 'single',
      participants: [{ provider: 'openai', model: 'house-model-unpriced' }],
      message: 'Hello?',
    });
    const frames = await readUntil(await stream(a, id), turnDone(1));
    expect(frames.find((f) => f.event === 'message.completed')?.data?.data).toMatchObject({
      costUsd: null,
      unpricedCalls: 1,
    });
    expect(frames.at(-1)?.data?.data).toMatchObject({ costUsd: 0, unpricedCalls: 1 });
    const d = await a.client.trpc.discussions.get.query({ id });
    expect(d.messages.find((m) => m.authorKind === 'participant')).toMatchObject({ costUsd: 0, unpricedCalls: 1 });
    expect([d.costUsd, d.unpricedCalls, d.participantTotals[0]?.unpricedCalls]).toEqual([0, 1, 1]);
    expect((await a.client.trpc.discussions.list.query({})).find((x) => x.id === id)?.unpricedCalls).toBe(1);
  });

  it('replays exactly the missed events after a dropped connection', async () => {
    const a = await newUser(server);
    const { id } = await a.client.trpc.discussions.create.mutate({
      title: 'Offline',
      mode: 'consensus',
      participants: [{ provider: 'offline' }, { provider: null }],
      message: 'Monolith or services for a team of four?',
    });
    const all = await readUntil(await stream(a, id), turnDone(1));
    const head = await readFrames(await stream(a, id), 4);
    expect(head.map((f) => f.id)).toEqual([1, 2, 3, 4]);
    const tail = await readUntil(await stream(a, id, { 'last-event-id': '4' }), turnDone(1));
    expect(tail.map((f) => f.data)).toEqual(all.slice(4).map((f) => f.data));
  });

  it('without a key, the offline model says it has nothing to answer from instead of echoing the question, and never quotes speaker labels', async () => {
    const a = await newUser(server);
    const { id } = await a.client.trpc.discussions.create.mutate({
      title: 'Bare',
      mode: 'single',
      participants: [{ provider: 'offline' }],
      message: 'Should we adopt GraphQL?',
    });
    await readUntil(await stream(a, id), turnDone(1));
    await a.client.trpc.discussions.send.mutate({
      id,
      content: 'Our REST API has 140 endpoints and three mobile clients. Which clients would gain most?',
    });
    await readUntil(await stream(a, id), turnDone(2));
    const answers = (await a.client.trpc.discussions.get.query({ id })).messages
      .filter((m) => m.authorKind === 'participant')
      .map((m) => m.content);
    expect(answers[0]).toContain('none beyond your question');
    expect(answers[1]).toContain('140 endpoints');
    expect(answers.join('\n')).not.toMatch(/\[[^\]]*\(user\)\]/);
  });

  it('rejects bad input field by field and stores nothing', async () => {
    const a = await newUser(server);
    const fieldsOf = async (input: Parameters<typeof a.client.trpc.discussions.create.mutate>[0]) =>
      Object.keys((await trpcError(() => a.client.trpc.discussions.create.mutate(input))).fieldErrors ?? {});
    expect(await fieldsOf({ title: 'x', mode: 'parallel', participants: [] })).toEqual(['participants']);
    expect(await fieldsOf({ title: 'x', mode: 'single', participants: [{}, {}] })).toEqual(['participants']);
    expect(
      await fieldsOf({ title: 'x', mode: 'consensus', participants: Array.from({ length: 7 }, () => ({})) }),
    ).toEqual(['participants']);
    expect(await fieldsOf({ title: '', mode: 'single', participants: [{}] })).toEqual(['title']);
    expect(
      await fieldsOf({
        title: 'x',
        mode: 'parallel',
        participants: [{ personaId: '00000000-0000-4000-8000-000000000000' }, { provider: 'nope' }],
      }),
    ).toEqual(['participants.0.personaId', 'participants.1.provider']);
    expect(
      (
        await trpcError(() =>
          a.client.trpc.discussions.send.mutate({ id: '00000000-0000-4000-8000-000000000000', content: ' ' }),
        )
      ).fieldErrors,
    ).toHaveProperty('content');
    expect(await a.client.trpc.discussions.list.query({})).toEqual([]);
  });

  it("another workspace's discussion is a 404 on the stream and NOT_FOUND in tRPC", async () => {
    const a = await newUser(server);
    const b = await newUser(server);
    const { id } = await a.client.trpc.discussions.create.mutate({
      title: 'Private',
      mode: 'single',
      participants: [{ provider: 'offline' }],
      message: 'Secret plans for the launch.',
    });
    await readUntil(await stream(a, id), turnDone(1));
    expect((await stream(b, id)).status).toBe(404);
    for (const call of [
      () => b.client.trpc.discussions.get.query({ id }),
      () => b.client.trpc.discussions.send.mutate({ id, content: 'hi' }),
      () => b.client.trpc.discussions.continue.mutate({ id }),
      () => b.client.trpc.discussions.stop.mutate({ id }),
      () => b.client.trpc.discussions.update.mutate({ id, title: 'mine' }),
      () => b.client.trpc.discussions.delete.mutate({ id }),
    ]) {
      expect((await trpcError(call)).code).toBe('NOT_FOUND');
    }
    expect(await b.client.trpc.discussions.list.query({})).toEqual([]);
    const aPersona = (await a.client.trpc.personas.list.query({}))[0];
    const borrowed = await trpcError(() =>
      b.client.trpc.discussions.create.mutate({
        title: 'x',
        mode: 'single',
        participants: [{ personaId: aPersona?.id ?? null }],
      }),
    );
    expect(Object.keys(borrowed.fieldErrors ?? {})).toEqual(['participants.0.personaId']);
    expect((await a.client.trpc.discussions.get.query({ id })).messages).toHaveLength(2);
  });
});
