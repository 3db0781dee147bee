import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import Ajv04Module from 'ajv-draft-04';
import addFormatsModule from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analysisRuns } from '../../platform/db/schema/index.js';
import { withTenant } from '../../platform/db/tenant.js';
import { ShutdownError } from '../../platform/jobs/leased-run.js';
import { createLogger } from '../../platform/logger.js';
import { dbKinds, newUser, startTestServer, trpcError, type TestServer, type TestUser } from '../../testing/harness.js';
import { readFrames } from '../../testing/sse-client.js';
import { executeAnalysis } from './pipeline.js';
import { builtinScanSetup } from './scanner/builtin.js';
import type { FileAnalyzer } from './scanner/types.js';

const tmp = (prefix: string) => fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), `nyx-${prefix}-`)));
function writeTree(dir: string, files: Record<string, string>): void {
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), text);
  }
}

const app = {
  'src/shell.js':
    "const { exec } = require('child_process');\nexports.log = function log(branch, cb) {\n  exec('git log ' + branch, cb);\n};\n",
  'src/run.js': 'module.exports = function run(code) {\n  return eval(code);\n};\n',
  'src/ok.js': 'module.exports = (a, b) => a + b;\n',
  'infra/main.tf': 'resource "aws_security_group" "ssh" {\n  ingress {\n    cidr_blocks = ["0.0.0.0/0"]\n  }\n}\n',
  'node_modules/dep/index.js': 'eval(x)\n',
};

const require = createRequire(import.meta.url);
const ajv = new Ajv04Module.default({ allErrors: true, strict: false, unicodeRegExp: false });
addFormatsModule.default(ajv);
const validateSarif = ajv.compile(require('./sarif/sarif-2.1.0-rtm.5.json') as object);

describe.each(dbKinds)('code analysis on %s', (kind) => {
  let server: TestServer;
  let work: string;
  beforeAll(async () => {
    work = tmp('analysis');
    server = await startTestServer(kind);
  });
  afterAll(async () => {
    await server.close();
    fs.rmSync(work, { recursive: true, force: true });
  });

  const stream = (u: TestUser, id: string, query = '') =>
    u.client.fetch(`${server.url}/api/v1/events/code-analysis/${id}${query}`, { headers: u.client.headers() });

  async function connect(u: TestUser, files: Record<string, string>) {
    const dir = fs.mkdtempSync(path.join(work, 'repo-'));
    writeTree(dir, files);
    const p = await u.client.trpc.projects.create.mutate({ name: `P ${path.basename(dir)}` });
    const repo = await u.client.trpc.repositories.create.mutate({
      projectId: p.id,
      name: 'app',
      source: 'local_path',
      path: dir,
    });
    return { dir, projectId: p.id, repositoryId: repo.id };
  }

  it('analyses a repository live: stages in order, per-batch progress, findings at their lines, SARIF the schema accepts', async () => {
    const a = await newUser(server);
    const { repositoryId } = await connect(a, app);
    const { id } = await a.client.trpc.analysis.start.mutate({ repositoryId });
    const frames = await readFrames(await stream(a, id));
    const types = frames.map((f) => f.data?.type);
    expect(types.at(-1)).toBe('completed');
    const stages = frames.filter((f) => f.data?.type === 'stage').map((f) => f.data?.data['stage']);
    expect([...new Set(stages)]).toEqual(['queued', 'syncing', 'indexing', 'detecting', 'triaging', 'documenting']);
    expect(frames.map((f) => f.id)).toEqual(frames.map((_, i) => i + 1));
    const progress = frames.filter((f) => f.data?.type === 'file').map((f) => f.data?.data['done']);
    expect(progress.at(-1)).toBe(4);

    const run = await a.client.trpc.analysis.get.query({ id });
    expect(run).toMatchObject({ status: 'completed', stage: 'completed', filesTotal: 4, filesDone: 4 });
    expect((run.report as { skipped: Array<{ path: string; reason: string }> }).skipped).toEqual([
      { path: 'node_modules/', reason: 'vendored', detail: 'third-party directory (node_modules)' },
    ]);

    const list = await a.client.trpc.findings.list.query({ repositoryId });
    const byRule = Object.fromEntries(list.items.map((f) => [f.ruleId, f]));
    expect(byRule['js/command-injection']).toMatchObject({
      path: 'src/shell.js',
      startLine: 3,
      severity: 'critical',
      confidence: 'high',
      status: 'open',
    });
    expect(byRule['js/code-injection']).toMatchObject({ path: 'src/run.js', startLine: 2 });
    expect(byRule['iac/open-ingress']).toMatchObject({ path: 'infra/main.tf', startLine: 3 });
    expect(list.items.some((f) => f.path.startsWith('node_modules'))).toBe(false);
    const findingEvents = frames.filter((f) => f.data?.type === 'finding');
    expect(findingEvents).toHaveLength(list.items.length);

    const security = await a.client.trpc.findings.list.query({ repositoryId, category: 'security', path: 'src' });
    expect(security.items.every((f) => f.category === 'security' && f.path.startsWith('src/'))).toBe(true);
    const one = await a.client.trpc.findings.get.query({ id: byRule['js/command-injection']!.id });
    expect(one.snippet).toContain("exec('git log ' + branch, cb);");
    expect(one.rule?.help).toMatch(/\w+/);

    const sarifRes = await a.client.fetch(`${server.url}/api/v1/code-analysis/${id}/sarif`, {
      headers: a.client.headers(),
    });
    expect(sarifRes.status).toBe(200);
    const sarif = (await sarifRes.json()) as {
      version: string;
      runs: Array<{ results: Array<{ ruleId: string; baselineState?: string }> }>;
    };
    expect(validateSarif(sarif), JSON.stringify(validateSarif.errors)).toBe(true);
    expect(sarif.runs.flatMap((r) => r.results).map((r) => r.baselineState)).toEqual(list.items.map(() => 'new'));
  });

  it('keeps a finding and its ignore across runs, marks a removed one fixed (SARIF absent) and a new one new', async () => {
    const a = await newUser(server);
    const { dir, repositoryId } = await connect(a, app);
    const first = await a.client.trpc.analysis.start.mutate({ repositoryId });
    await readFrames(await stream(a, first.id));
    const before = (await a.client.trpc.findings.list.query({ repositoryId })).items;
    const shell = before.find((f) => f.ruleId === 'js/command-injection')!;
    const evalFinding = before.find((f) => f.ruleId === 'js/code-injection')!;

    const bad = await trpcError(() => a.client.trpc.findings.ignore.mutate({ id: shell.id, reason: 'meh' as never }));
    expect(bad.httpStatus).toBe(400);
    expect(bad.fieldErrors?.reason).toBeDefined();
    const ignored = await a.client.trpc.findings.ignore.mutate({
      id: shell.id,
      reason: 'acceptable-risk',
      note: 'internal tool, trusted input',
    });
    expect(ignored).toMatchObject({ status: 'ignored', ignoreReason: 'acceptable-risk' });

    // Unrelated edits move the command injection down; the eval is removed; a new eval appears elsewhere.
    fs.writeFileSync(path.join(dir, 'src/shell.js'), `// a header comment\n\n${app['src/shell.js']}`);
    fs.writeFileSync(
      path.join(dir, 'src/run.js'),
      'module.exports = function run(code) {\n  return JSON.parse(code);\n};\n',
    );
    fs.writeFileSync(path.join(dir, 'src/new.js'), 'module.exports.go = (src) => new Function(src)();\n');
    const second = await a.client.trpc.analysis.start.mutate({ repositoryId });
    const frames = await readFrames(await stream(a, second.id));
    const done = frames.at(-1)?.data;
    expect(done?.type).toBe('completed');
    expect(done?.data).toMatchObject({ new: 1, fixed: 1 });

    const after = (await a.client.trpc.findings.list.query({ repositoryId })).items;
    const shellAfter = after.find((f) => f.ruleId === 'js/command-injection')!;
    expect(shellAfter).toMatchObject({
      id: shell.id,
      status: 'ignored',
      startLine: 5,
      ignoreNote: 'internal tool, trusted input',
    });
    expect(after.find((f) => f.id === evalFinding.id)?.status).toBe('fixed');
    expect(
      (await a.client.trpc.findings.list.query({ repositoryId, status: 'open' })).items.map((f) => f.path),
    ).toContain('src/new.js');

    const sarif = (await (
      await a.client.fetch(`${server.url}/api/v1/code-analysis/${second.id}/sarif`, { headers: a.client.headers() })
    ).json()) as {
      runs: Array<{
        results: Array<{ ruleId: string; baselineState?: string; suppressions?: Array<{ kind: string }> }>;
      }>;
    };
    expect(validateSarif(sarif), JSON.stringify(validateSarif.errors)).toBe(true);
    const results = sarif.runs.flatMap((r) => r.results);
    expect(results.find((r) => r.ruleId === 'js/code-injection' && r.baselineState === 'absent')).toBeDefined();
    expect(results.find((r) => r.ruleId === 'js/command-injection')).toMatchObject({
      baselineState: 'unchanged',
      suppressions: [{ kind: 'external' }],
    });

    const back = await a.client.trpc.findings.unignore.mutate({ id: shell.id });
    expect(back.status).toBe('open');
  });

  it('resumes after a worker stops mid-analysis at the first unfinished batch, analysing every file once', async () => {
    const a = await newUser(server);
    const files: Record<string, string> = {};
    for (let i = 0; i < 7; i++) files[`src/f${i}.js`] = `module.exports.f${i} = (x) => eval(x + ${i});\n`;
    const { dir, repositoryId, projectId } = await connect(a, files);
    const [run] = await withTenant(server.database, { tenantId: a.tenantId, userId: a.userId }, (tx) =>
      tx
        .insert(analysisRuns)
        .values({ tenantId: a.tenantId, projectId, repositoryId, startedBy: a.userId })
        .returning(),
    );
    const setup = await builtinScanSetup();
    const analysed: string[] = [];
    const shutdown = new AbortController();
    const counting = (inner: FileAnalyzer): FileAnalyzer => ({
      ...inner,
      // A fresh ruleset hash: the workspace cache must not hide a second analysis of a file.
      rulesetHash: `${inner.rulesetHash}-resume-${run!.id}`,
      analyze: async (file) => {
        analysed.push(file.path);
        if (analysed.length === 3) shutdown.abort();
        return inner.analyze(file);
      },
    });
    const deps = (signal: AbortSignal) => ({
      database: server.database,
      log: createLogger('silent'),
      workerId: `resume-${signal === shutdown.signal ? 1 : 2}`,
      leaseMs: 30_000,
      shutdown: signal,
      batchSize: 2,
      checkout: () => Promise.resolve({ root: dir, commit: null }),
      scanSetup: () => Promise.resolve({ ...setup, analyzers: [counting(setup.analyzers[0]!)] }),
    });
    await expect(
      executeAnalysis(deps(shutdown.signal), { tenantId: a.tenantId, runId: run!.id }),
    ).rejects.toBeInstanceOf(ShutdownError);
    const midway = await a.client.trpc.analysis.get.query({ id: run!.id });
    expect(midway).toMatchObject({ status: 'running', stage: 'detecting', filesDone: 4 });

    await executeAnalysis(deps(new AbortController().signal), { tenantId: a.tenantId, runId: run!.id });
    expect([...analysed].sort()).toEqual(Object.keys(files).sort());
    const frames = await readFrames(await stream(a, run!.id));
    const done = frames.filter((f) => f.data?.type === 'file').map((f) => f.data?.data['done']);
    expect(done).toEqual([2, 4, 6, 7]);
    expect(frames.at(-1)?.data?.type).toBe('completed');
  });

  it('fails a run with a clear message when the repository is gone, and cancels a queued one', async () => {
    const a = await newUser(server);
    const { dir, repositoryId } = await connect(a, { 'a.js': 'x\n' });
    fs.rmSync(dir, { recursive: true, force: true });
    const { id } = await a.client.trpc.analysis.start.mutate({ repositoryId });
    const frames = await readFrames(await stream(a, id));
    expect(frames.at(-1)?.data).toMatchObject({ type: 'failed' });
    const run = await a.client.trpc.analysis.get.query({ id });
    expect(run.status).toBe('failed');
    expect(run.error).toMatch(/\S/);
    expect(run.error).not.toMatch(/at .*\.ts:\d+/);
  });

  it('keeps every run, finding and stream of one workspace NOT_FOUND to another', async () => {
    const a = await newUser(server);
    const b = await newUser(server);
    const { repositoryId } = await connect(a, { 'run.js': 'module.exports = (c) => eval(c);\n' });
    const { id } = await a.client.trpc.analysis.start.mutate({ repositoryId });
    await readFrames(await stream(a, id));
    const [finding] = (await a.client.trpc.findings.list.query({ repositoryId })).items;
    const calls = [
      () => b.client.trpc.analysis.get.query({ id }),
      () => b.client.trpc.analysis.list.query({ repositoryId }),
      () => b.client.trpc.analysis.start.mutate({ repositoryId }),
      () => b.client.trpc.analysis.cancel.mutate({ id }),
      () => b.client.trpc.findings.list.query({ repositoryId }),
      () => b.client.trpc.findings.get.query({ id: finding!.id }),
      () => b.client.trpc.findings.ignore.mutate({ id: finding!.id, reason: 'false-positive' }),
      () => b.client.trpc.findings.unignore.mutate({ id: finding!.id }),
    ];
    for (const call of calls) expect((await trpcError(call)).httpStatus).toBe(404);
    expect((await stream(b, id)).status).toBe(404);
    expect(
      (await b.client.fetch(`${server.url}/api/v1/code-analysis/${id}/sarif`, { headers: b.client.headers() })).status,
    ).toBe(404);
    const badId = await trpcError(() => a.client.trpc.analysis.get.query({ id: 'nope' }));
    expect(badId.httpStatus).toBe(400);
    expect(badId.fieldErrors?.id).toBeDefined();
    // Nothing B tried changed A's finding.
    expect((await a.client.trpc.findings.get.query({ id: finding!.id })).status).toBe('open');
  });
});
