/**
 * The triaging stage end to end: real analysis runs over the API (and one resumed through the
 * executor), the real OpenAI provider talking HTTP to the fake LLM server, a real database.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analysisRuns, llmUsage } from '../../platform/db/schema/index.js';
import { withTenant } from '../../platform/db/tenant.js';
import { llmDepsOf } from '../../platform/deps.js';
import { ShutdownError } from '../../platform/jobs/leased-run.js';
import { createLogger } from '../../platform/logger.js';
import type { FakeLlmServer, RecordedRequest } from '../../testing/fake-llm-server.js';
import { addFakeKey } from '../../testing/fake-keys.js';
import { dbKinds, newUser, type TestServer, type TestUser } from '../../testing/harness.js';
import { readFrames } from '../../testing/sse-client.js';
import { useServers } from '../../testing/suite.js';
import { executeAnalysis } from './pipeline.js';
import { builtinScanSetup } from './scanner/builtin.js';
import { locateQuote, OFFLINE_TRIAGE_NOTE } from './triage.js';

// Three critical findings, one group each, triaged in this order (same severity and size: by path).
const app = {
  'src/new.js': 'module.exports.go = function go(src) {\n  return new Function(src)();\n};\n',
  'src/run.js': 'module.exports = function run(code) {\n  const out = eval(code);\n  return out;\n};\n',
  'src/shell.js':
    "const { exec } = require('child_process');\nexports.log = function log(branch, cb) {\n  exec('git log ' + branch, cb);\n};\n",
};

const answer = (findings: object[], extra: object[] = []) => ({
  kind: 'ok' as const,
  text: JSON.stringify({ findings, extra }),
});
const userText = (r: RecordedRequest) =>
  ((r.body.messages as Array<{ role: string; content: unknown }>) ?? [])
    .map((m) => (typeof m.content === 'string' ? m.content : JSON.stringify(m.content)))
    .join('\n');

describe('locateQuote', () => {
  const text = 'a\nconst x = eval(input);\nb\nc\nd\n';
  it('finds a quote byte for byte within two lines of the line named, nowhere else', () => {
    expect(locateQuote(text, 2, 'eval(input)')).toEqual({ startLine: 2, startColumn: 11, endLine: 2, endColumn: 22 });
    expect(locateQuote(text, 4, 'eval(input)')?.startLine).toBe(2);
    expect(locateQuote(text, 5, 'eval(input)')).toBeNull();
    expect(locateQuote(text, 2, 'eval( input)')).toBeNull();
    expect(locateQuote(text, 2, ';')).toBeNull();
  });
});

describe.each(dbKinds)('analysis triage on %s', (kind) => {
  let server: TestServer;
  let fake: FakeLlmServer;
  let work: string;
  useServers(kind, (s) => ({ server, fake } = s));
  beforeAll(() => {
    work = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'nyx-triage-')));
  });
  afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

  async function connect(u: TestUser) {
    const dir = fs.mkdtempSync(path.join(work, 'repo-'));
    for (const [rel, text] of Object.entries(app)) {
      fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
      fs.writeFileSync(path.join(dir, rel), text);
    }
    const p = await u.client.trpc.projects.create.mutate({ name: `P ${path.basename(dir)}` });
    const repo = await u.client.trpc.repositories.create.mutate({
      projectId: p.id,
      name: 'app',
      source: 'local_path',
      path: dir,
    });
    return { dir, projectId: p.id, repositoryId: repo.id };
  }
  async function analyse(u: TestUser, repositoryId: string) {
    const { id } = await u.client.trpc.analysis.start.mutate({ repositoryId });
    const frames = await readFrames(
      await u.client.fetch(`${server.url}/api/v1/events/code-analysis/${id}`, { headers: u.client.headers() }),
    );
    const notes = frames
      .filter((f) => f.data?.type === 'stage' && f.data.data['stage'] === 'triaging')
      .map((f) => f.data?.data['note']);
    return { id, frames, notes, run: await u.client.trpc.analysis.get.query({ id }) };
  }
  const byPath = async (u: TestUser, repositoryId: string) =>
    Object.fromEntries(
      (await u.client.trpc.findings.list.query({ repositoryId })).items
        .filter((f) => f.ruleId.startsWith('js/'))
        .map((f) => [f.path, f]),
    );

  it('skips triage without a key and leaves the findings untouched', async () => {
    const a = await newUser(server);
    const { repositoryId } = await connect(a);
    const sent = fake.requests.length;
    const { notes, run } = await analyse(a, repositoryId);
    expect(run.status).toBe('completed');
    expect(notes).toContain(OFFLINE_TRIAGE_NOTE);
    expect((run.report as { triage: string }).triage).toBe(OFFLINE_TRIAGE_NOTE);
    const found = await byPath(a, repositoryId);
    expect(Object.keys(found).sort()).toEqual(Object.keys(app).sort());
    for (const f of Object.values(found)) expect(f).toMatchObject({ status: 'open', triage: null });
    expect(fake.requests.length).toBe(sent);
  });

  it('triages each file × rule group with the rule help and the enclosing function, keeps only extras whose quote exists, and goes on past a provider error', async () => {
    const a = await newUser(server);
    await addFakeKey(a, fake, { apiKey: 'sk-triage-0001' });
    await a.client.trpc.llm.settings.update.mutate({ fallbackChain: ['openai'] });
    const { dir, repositoryId } = await connect(a);
    const sent = fake.requests.length;
    fake.script.openai.push(
      answer(
        [{ index: 1, verdict: 'true_positive', reason: 'src reaches new Function unchecked', score: 8 }],
        [
          // Exists at line 2 (named as 3: within ±2): kept.
          {
            path: 'src/new.js',
            line: 3,
            quote: 'new Function(src)()',
            message: 'runs caller code',
            severity: 'high',
            category: 'security',
          },
          // Not in the file: dropped.
          {
            path: 'src/new.js',
            line: 1,
            quote: 'fetch(userUrl)',
            message: 'SSRF',
            severity: 'high',
            category: 'security',
          },
          // Not a file of the run: dropped.
          {
            path: '../../etc/passwd',
            line: 1,
            quote: 'root:x:0:0',
            message: 'x',
            severity: 'low',
            category: 'bug',
          },
        ],
      ),
      { kind: 'status', status: 400, message: 'bad request for this group' },
      answer([{ index: 1, verdict: 'false_positive', reason: 'branch is a fixed constant in callers', score: 2 }]),
    );
    const { notes, run } = await analyse(a, repositoryId);
    expect(run.status).toBe('completed');
    const final = (run.report as { triage: string }).triage;
    expect(final).toMatch(/triaged 2\/3 group/);
    expect(final).toMatch(/1 failed \(src\/run\.js js\/code-injection: .*bad request for this group/);
    expect(final).toMatch(/1 extra finding\(s\) from the model kept, 2 dropped/);
    expect(notes).toEqual(expect.arrayContaining(['triaged 1/3 groups', 'triaged 2/3 groups', 'triaged 3/3 groups']));

    const found = await byPath(a, repositoryId);
    expect(found['src/new.js']).toMatchObject({
      status: 'triaged',
      triage: { verdict: 'true_positive', score: 8, reason: 'src reaches new Function unchecked', provider: 'openai' },
    });
    expect(found['src/shell.js']).toMatchObject({
      status: 'triaged',
      triage: { verdict: 'false_positive', score: 2 },
    });
    expect((found['src/shell.js']?.triage as { model?: string }).model).toMatch(/\S/);
    expect(found['src/run.js']).toMatchObject({ status: 'open', triage: null });

    const all = (await a.client.trpc.findings.list.query({ repositoryId })).items;
    const extras = all.filter((f) => f.source === 'llm');
    expect(extras).toHaveLength(1);
    expect(extras[0]).toMatchObject({
      ruleId: 'llm/security',
      path: 'src/new.js',
      startLine: 2,
      startColumn: 10,
      severity: 'high',
      category: 'security',
      snippet: '  return new Function(src)();',
    });
    expect(extras[0]?.fingerprint).toMatch(/^[0-9a-f]{32}:0$/);

    const requests = fake.requests.slice(sent).filter((r) => r.provider === 'openai');
    expect(requests).toHaveLength(3);
    const shellPrompt = userText(requests[2]!);
    expect(shellPrompt).toContain("exports.log = function log(branch, cb) {\n  exec('git log ' + branch, cb);\n}");
    const rule = (await a.client.trpc.findings.get.query({ id: found['src/shell.js']!.id })).rule;
    expect(rule?.help.length).toBeGreaterThan(20);
    expect(shellPrompt).toContain(rule!.help);

    const usage = await withTenant(server.database, { tenantId: a.tenantId, userId: null }, (tx) =>
      tx.select().from(llmUsage).where(eq(llmUsage.purpose, 'code-analysis.triage')),
    );
    expect(usage.map((u) => u.outcome).sort()).toEqual(['error', 'ok', 'ok']);
    expect(usage.filter((u) => u.outcome === 'ok').every((u) => u.tokensIn > 0)).toBe(true);

    // The next run: triaged findings keep their verdict (only the open one is asked about), and the
    // model's finding, whose code is still there, is not called fixed; once its code is gone, it is.
    fake.script.openai.push(answer([{ index: 1, verdict: 'uncertain', reason: 'now asked', score: 5 }]));
    const again = await analyse(a, repositoryId);
    expect(again.frames.at(-1)?.data).toMatchObject({ type: 'completed', data: { fixed: 0 } });
    expect(fake.requests.length - sent).toBe(4);
    const second = Object.fromEntries(
      (await a.client.trpc.findings.list.query({ repositoryId })).items.map((f) => [`${f.path} ${f.ruleId}`, f]),
    );
    expect(second['src/new.js llm/security']).toMatchObject({ status: 'open', lastRunId: again.id });
    expect(second['src/new.js js/code-injection']?.triage).toEqual(found['src/new.js']?.triage);
    expect(second['src/run.js js/code-injection']).toMatchObject({
      status: 'triaged',
      triage: { reason: 'now asked' },
    });
    fs.writeFileSync(path.join(dir, 'src/new.js'), 'module.exports.go = (a) => a;\n');
    const third = await analyse(a, repositoryId);
    expect(third.frames.at(-1)?.data).toMatchObject({ type: 'completed', data: { fixed: 2 } });
    expect(extras[0] && (await a.client.trpc.findings.get.query({ id: extras[0].id })).status).toBe('fixed');
  });

  it('stops triage with a clear note when the monthly budget is spent', async () => {
    const a = await newUser(server);
    await addFakeKey(a, fake, { apiKey: 'sk-triage-0002' });
    await a.client.trpc.llm.settings.update.mutate({ fallbackChain: ['openai'], monthlyBudgetUsd: 0.01 });
    const { repositoryId } = await connect(a);
    const sent = fake.requests.length;
    fake.script.openai.push({
      ...answer([{ index: 1, verdict: 'uncertain', reason: 'depends on callers', score: 5 }]),
      tokensIn: 10_000_000,
    });
    const { run } = await analyse(a, repositoryId);
    expect(run.status).toBe('completed');
    expect((run.report as { triage: string }).triage).toMatch(
      /triaged 1\/3 group.*triage stopped: .*monthly LLM budget.*\(2 group\(s\) not triaged\)/,
    );
    expect(fake.requests.length - sent).toBe(1);
    const found = await byPath(a, repositoryId);
    expect(found['src/new.js']?.status).toBe('triaged');
    expect([found['src/run.js']?.status, found['src/shell.js']?.status]).toEqual(['open', 'open']);
  });

  it('resumes after a worker stops mid-triage without triaging a group twice', async () => {
    const a = await newUser(server);
    await addFakeKey(a, fake, { apiKey: 'sk-triage-0003' });
    await a.client.trpc.llm.settings.update.mutate({ fallbackChain: ['openai'] });
    const { dir, repositoryId, projectId } = await connect(a);
    const [run] = await withTenant(server.database, { tenantId: a.tenantId, userId: a.userId }, (tx) =>
      tx
        .insert(analysisRuns)
        .values({ tenantId: a.tenantId, projectId, repositoryId, startedBy: a.userId })
        .returning(),
    );
    const setup = await builtinScanSetup();
    const deps = (signal: AbortSignal, n: number) => ({
      database: server.database,
      log: createLogger('silent'),
      workerId: `triage-resume-${n}`,
      leaseMs: 30_000,
      shutdown: signal,
      llm: llmDepsOf(server.deps),
      checkout: () => Promise.resolve({ root: dir, commit: null }),
      scanSetup: () => Promise.resolve(setup),
    });
    const sent = fake.requests.length;
    fake.script.openai.push(answer([{ index: 1, verdict: 'true_positive', reason: 'first', score: 7 }]), {
      kind: 'hang',
    });
    const shutdown = new AbortController();
    const stopWhenHung = setInterval(() => {
      if (fake.requests.length - sent >= 2) shutdown.abort();
    }, 10);
    try {
      await expect(
        executeAnalysis(deps(shutdown.signal, 1), { tenantId: a.tenantId, runId: run!.id }),
      ).rejects.toBeInstanceOf(ShutdownError);
    } finally {
      clearInterval(stopWhenHung);
    }
    const midway = await a.client.trpc.analysis.get.query({ id: run!.id });
    expect(midway).toMatchObject({ status: 'running', stage: 'triaging' });
    const first = (await byPath(a, repositoryId))['src/new.js'];
    expect(first).toMatchObject({ status: 'triaged', triage: { reason: 'first' } });

    fake.script.openai.push(
      answer([{ index: 1, verdict: 'true_positive', reason: 'second', score: 6 }]),
      answer([{ index: 1, verdict: 'false_positive', reason: 'third', score: 1 }]),
    );
    await executeAnalysis(deps(new AbortController().signal, 2), { tenantId: a.tenantId, runId: run!.id });
    // One answered, one hung, then the two groups left: group 1 was not asked again.
    expect(fake.requests.length - sent).toBe(4);
    const found = await byPath(a, repositoryId);
    expect(found['src/new.js']?.triage).toEqual(first?.triage);
    expect(found['src/run.js']).toMatchObject({ status: 'triaged', triage: { reason: 'second' } });
    expect(found['src/shell.js']).toMatchObject({ status: 'triaged', triage: { reason: 'third' } });
    const [done] = await withTenant(server.database, { tenantId: a.tenantId, userId: null }, (tx) =>
      tx
        .select()
        .from(analysisRuns)
        .where(and(eq(analysisRuns.id, run!.id), eq(analysisRuns.status, 'completed'))),
    );
    expect(done?.report['triage']).toBe('triage: triaged 3/3 group(s)');
  });
});
