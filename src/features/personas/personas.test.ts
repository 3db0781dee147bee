import { describe, expect, it } from 'vitest';
import type { FakeLlmServer } from '../../testing/fake-llm-server.js';
import { addFakeKey } from '../../testing/fake-keys.js';
import { useServers } from '../../testing/suite.js';
import { dbKinds, newUser, trpcError, type TestServer } from '../../testing/harness.js';
import { builtInPersonas } from './built-ins.js';
import { matchPersona } from './service.js';
import { suggestSpecializations } from './specialization-extractor.js';

describe.each(dbKinds)('personas on %s', (kind) => {
  let server: TestServer;
  let fake: FakeLlmServer;
  useServers(kind, (s) => ({ server, fake } = s));

  it('every new workspace starts with the built-in personas, which can be edited but not deleted', async () => {
    const a = await newUser(server);
    const list = await a.client.trpc.personas.list.query({});
    expect(
      list
        .filter((p) => p.isBuiltIn)
        .map((p) => p.name)
        .sort(),
    ).toEqual(builtInPersonas.map((p) => p.name).sort());
    expect(list.length).toBeGreaterThanOrEqual(8);
    const auditor = list.find((p) => p.name === 'Security Auditor');
    expect(auditor).toMatchObject({ xp: 0, level: 1, specializations: ['security', 'compliance', 'architecture'] });
    expect((await trpcError(() => a.client.trpc.personas.delete.mutate({ id: auditor?.id ?? '' }))).httpStatus).toBe(
      403,
    );
    const edited = await a.client.trpc.personas.update.mutate({ id: auditor?.id ?? '', traits: ['paranoid'] });
    expect(edited.traits).toEqual(['paranoid']);
    expect((await a.client.trpc.personas.list.query({ specialization: 'documentation' })).map((p) => p.name)).toContain(
      'Technical Writer',
    );
  });

  it('infers specializations from the text when none are given, and keeps explicit ones', async () => {
    const a = await newUser(server);
    const inferred = await a.client.trpc.personas.create.mutate({
      name: 'Pipeline Doctor',
      description: 'Fixes flaky GitHub Actions pipelines, writes Terraform modules and tunes Kubernetes deployments.',
      systemPrompt: 'You are a pragmatic platform engineer who automates releases.',
    });
    expect(inferred.specializations[0]).toBe('devops');
    expect(inferred.category).toBe('devops');
    const explicit = await a.client.trpc.personas.create.mutate({
      name: 'Docs',
      description: 'Kubernetes and Terraform',
      systemPrompt: 'You write documentation.',
      specializations: ['documentation'],
    });
    expect(explicit.specializations).toEqual(['documentation']);
    const reinferred = await a.client.trpc.personas.update.mutate({
      id: explicit.id,
      description: 'Writes READMEs, tutorials and API reference docs',
      specializations: [],
    });
    expect(reinferred.specializations[0]).toBe('documentation');
    const off = await a.client.trpc.personas.create.mutate({
      name: 'Baker',
      description: 'Loves sourdough bread and long hikes.',
      systemPrompt: 'You are a friendly baker.',
    });
    expect(off.specializations).toEqual([]);
    expect(off.category).toBe('general');
  });

  it('suggests specializations live, with labels and the words that matched', async () => {
    const a = await newUser(server);
    const s = await a.client.trpc.personas.suggestSpecializations.query({
      description: 'Writes Playwright end-to-end tests and unit tests for React components',
      systemPrompt: '',
      traits: [],
    });
    expect(s.map((x) => x.id)).toEqual(expect.arrayContaining(['testing', 'frontend']));
    expect(s[0]?.label).toBeTruthy();
    expect(s[0]?.matches.length).toBeGreaterThan(0);
  });

  it('gains 10 XP per use, atomically under concurrency, and levels up at 100 XP', async () => {
    const a = await newUser(server);
    const p = await a.client.trpc.personas.create.mutate({
      name: 'Summariser',
      systemPrompt: 'You summarise text for busy people.',
    });
    const answers = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        a.client.trpc.personas.try.mutate({
          id: p.id,
          message: `Our deploy ${i} failed because the cache was cold. Warming the cache fixed it. What fixed it?`,
        }),
      ),
    );
    expect(answers.every((r) => r.isOffline && r.provider === 'offline')).toBe(true);
    expect(answers[0]?.text).toMatch(/offline model/);
    expect(answers[0]?.text).toMatch(/Warming the cache fixed it/);
    const after = await a.client.trpc.personas.get.query({ id: p.id });
    expect(after).toMatchObject({ xp: 100, level: 2, usageCount: 10, stepsTotal: 10, stepsCompleted: 10 });
  });

  it('a failed use still counts toward the success rate', async () => {
    const a = await newUser(server);
    await addFakeKey(a, fake, { name: 'broken', apiKey: 'sk-nope-1234' });
    await a.client.trpc.llm.settings.update.mutate({ fallbackChain: ['broken'] });
    fake.script.openai.push({ kind: 'status', status: 400, message: 'bad request' });
    const p = (await a.client.trpc.personas.list.query({})).find((x) => x.name === 'QA & Test Engineer');
    const err = await trpcError(() => a.client.trpc.personas.try.mutate({ id: p?.id ?? '', message: 'hello' }));
    expect(err.httpStatus).toBe(502);
    expect(err.message).toMatch(/broken: HTTP 400/);
    expect(await a.client.trpc.personas.get.query({ id: p?.id ?? '' })).toMatchObject({
      xp: 10,
      stepsTotal: 1,
      stepsCompleted: 0,
    });
  });

  it('a call refused by the budget before any provider was tried does not count as a use', async () => {
    const a = await newUser(server);
    await addFakeKey(a, fake, { name: 'paid', apiKey: 'sk-paid-0001' });
    await a.client.trpc.llm.settings.update.mutate({ fallbackChain: ['paid'], monthlyBudgetUsd: 0 });
    const p = (await a.client.trpc.personas.list.query({}))[0];
    const err = await trpcError(() => a.client.trpc.personas.try.mutate({ id: p?.id ?? '', message: 'hello' }));
    expect(err.httpStatus).toBe(402);
    expect(err.message).toMatch(/monthly LLM budget.*LLM page/);
    expect(await a.client.trpc.personas.get.query({ id: p?.id ?? '' })).toMatchObject({
      xp: 0,
      usageCount: 0,
      stepsTotal: 0,
    });
  });

  it('matches the persona that covers a step’s categories best', async () => {
    const a = await newUser(server);
    const m = await a.client.trpc.personas.match.query({ categories: ['database', 'performance'] });
    expect(m?.persona.name).toBe('Database Specialist');
    expect(m?.score).toBe(2);
  });

  it('another workspace never sees, edits, uses or deletes these personas', async () => {
    const a = await newUser(server);
    const b = await newUser(server);
    const mine = await a.client.trpc.personas.create.mutate({
      name: 'Secret Agent',
      systemPrompt: 'You are secret and careful.',
    });
    expect((await b.client.trpc.personas.list.query({ query: 'Secret Agent' })).length).toBe(0);
    for (const call of [
      () => b.client.trpc.personas.get.query({ id: mine.id }),
      () => b.client.trpc.personas.update.mutate({ id: mine.id, name: 'hijacked' }),
      () => b.client.trpc.personas.delete.mutate({ id: mine.id }),
      () => b.client.trpc.personas.try.mutate({ id: mine.id, message: 'hi' }),
    ]) {
      expect((await trpcError(call)).httpStatus).toBe(404);
    }
    expect((await a.client.trpc.personas.get.query({ id: mine.id })).name).toBe('Secret Agent');
  });

  it('rejects bad input field by field and stores nothing', async () => {
    const a = await newUser(server);
    const before = (await a.client.trpc.personas.list.query({})).length;
    const e = await trpcError(() =>
      a.client.trpc.personas.create.mutate({
        name: '',
        systemPrompt: 'short',
        specializations: ['wizardry' as 'security'],
      }),
    );
    expect(e.httpStatus).toBe(400);
    expect(Object.keys(e.fieldErrors ?? {}).sort()).toEqual(['name', 'specializations', 'systemPrompt']);
    expect((await a.client.trpc.personas.list.query({})).length).toBe(before);
  });
});

describe('matchPersona', () => {
  const base = { stepsCompleted: 0, stepsTotal: 0 };
  it('scores by weighted category overlap, then level, then success rate', () => {
    const ps = [
      { ...base, name: 'A', specializations: ['security'], level: 5 },
      { ...base, name: 'B', specializations: ['security', 'cloud'], level: 1 },
      { name: 'C', specializations: ['security', 'cloud'], level: 1, stepsCompleted: 9, stepsTotal: 10 },
      { name: 'D', specializations: ['security', 'cloud'], level: 1, stepsCompleted: 1, stepsTotal: 10 },
    ];
    expect(matchPersona(ps, ['security', 'cloud'])?.persona.name).toBe('C');
    expect(matchPersona(ps, ['security', 'cloud'], { cloud: 0 })?.persona.name).toBe('A');
    expect(matchPersona(ps, ['mobile'])).toBeNull();
  });

  it('built-in persona descriptions infer their own declared primary specialization', () => {
    for (const p of builtInPersonas) {
      expect(
        suggestSpecializations({ description: p.description, systemPrompt: p.systemPrompt, traits: p.traits })[0],
        p.name,
      ).toBe(p.specializations[0]);
    }
  });
});
