import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analysisDocs, analysisPatterns, analysisRuns, llmUsage, runEvents } from '../../platform/db/schema/index.js';
import { withTenant } from '../../platform/db/tenant.js';
import { llmDepsOf } from '../../platform/deps.js';
import { createLogger } from '../../platform/logger.js';
import { dbKinds, newUser, startTestServer, trpcError, type TestServer, type TestUser } from '../../testing/harness.js';
import type { FakeLlmServer } from '../../testing/fake-llm-server.js';
import { addFakeKey } from '../../testing/fake-keys.js';
import { readFrames } from '../../testing/sse-client.js';
import { useServers } from '../../testing/suite.js';
import { executeAnalysis } from './pipeline.js';
import { builtinScanSetup } from './scanner/builtin.js';

const repo: Record<string, string> = {
  'package.json': `${JSON.stringify(
    {
      name: 'todo-api',
      description: 'A small todo service over HTTP',
      main: 'src/server.ts',
      scripts: { start: 'node dist/server.js', test: 'vitest run' },
      dependencies: { express: '^4.19.0', zod: '^3.23.0', pg: '^8.11.0' },
      devDependencies: { vitest: '^2.1.0' },
    },
    null,
    2,
  )}\n`,
  'src/server.ts': [
    "import express from 'express';",
    "import { todoRouter } from './routes/todo-router.js';",
    '',
    'export const app = express();',
    'app.use(express.json());',
    "app.use('/api', todoRouter);",
    'app.listen(3000);',
    '',
  ].join('\n'),
  'src/routes/todo-router.ts': [
    "import { Router } from 'express';",
    "import { z } from 'zod';",
    "import { createTodo, listTodos } from '../services/todo-service.js';",
    '',
    'const zNewTodo = z.object({ title: z.string().min(1) });',
    'export const todoRouter = Router();',
    '',
    "todoRouter.get('/todos', async (_req, res) => {",
    '  res.json(await listTodos());',
    '});',
    '',
    "todoRouter.post('/todos', async (req, res) => {",
    '  const input = zNewTodo.parse(req.body);',
    '  res.status(201).json(await createTodo(input.title));',
    '});',
    '',
  ].join('\n'),
  'src/services/todo-service.ts': [
    "import { query } from '../db/todo-store.js';",
    '',
    'export interface Todo {',
    '  id: number;',
    '  title: string;',
    '}',
    '',
    'export async function listTodos(): Promise<Todo[]> {',
    "  return query('select id, title from todos order by id', []);",
    '}',
    '',
    'export async function createTodo(title: string): Promise<Todo> {',
    "  const [row] = await query('insert into todos (title) values ($1) returning id, title', [title]);",
    '  return row as Todo;',
    '}',
    '',
  ].join('\n'),
  'src/db/todo-store.ts': [
    "import pg from 'pg';",
    '',
    'const pool = new pg.Pool();',
    '',
    'export async function query(text: string, values: unknown[]): Promise<any[]> {',
    '  const result = await pool.query(text, values);',
    '  return result.rows;',
    '}',
    '',
  ].join('\n'),
  'src/legacy/run-script.js': 'module.exports = function runScript(code) {\n  return eval(code);\n};\n',
  'tests/todo-service.test.ts': [
    "import { describe, expect, it } from 'vitest';",
    "import { listTodos } from '../src/services/todo-service.js';",
    '',
    "describe('todos', () => {",
    "  it('lists', async () => {",
    '    expect(await listTodos()).toEqual([]);',
    '  });',
    '});',
    '',
  ].join('\n'),
  'tests/todo-router.test.ts': [
    "import { describe, expect, it } from 'vitest';",
    "import { todoRouter } from '../src/routes/todo-router.js';",
    '',
    "describe('router', () => {",
    "  it('exists', () => {",
    '    expect(todoRouter).toBeDefined();',
    '  });',
    '});',
    '',
  ].join('\n'),
};

describe.each(dbKinds)('analysis patterns and docs on %s', (kind) => {
  let server: TestServer;
  let work: string;
  beforeAll(async () => {
    work = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'nyx-docs-')));
    server = await startTestServer(kind);
  });
  afterAll(async () => {
    await server.close();
    fs.rmSync(work, { recursive: true, force: true });
  });

  const stream = (u: TestUser, id: string) =>
    u.client.fetch(`${server.url}/api/v1/events/code-analysis/${id}`, { headers: u.client.headers() });
  const docsMd = (u: TestUser, id: string) =>
    u.client.fetch(`${server.url}/api/v1/code-analysis/${id}/docs.md`, { headers: u.client.headers() });

  async function analysed(u: TestUser) {
    const dir = fs.mkdtempSync(path.join(work, 'repo-'));
    for (const [rel, text] of Object.entries(repo)) {
      fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
      fs.writeFileSync(path.join(dir, rel), text);
    }
    const project = await u.client.trpc.projects.create.mutate({ name: `P ${path.basename(dir)}` });
    const { id: repositoryId } = await u.client.trpc.repositories.create.mutate({
      projectId: project.id,
      name: 'todo-api',
      source: 'local_path',
      path: dir,
    });
    const { id } = await u.client.trpc.analysis.start.mutate({ repositoryId });
    const frames = await readFrames(await stream(u, id));
    return { dir, projectId: project.id, repositoryId, runId: id, frames };
  }

  it('derives patterns with evidence lines that exist, four scored docs, events on the stream, wisdom and docs.md', async () => {
    const a = await newUser(server);
    const { dir, projectId, runId, frames } = await analysed(a);
    expect(frames.at(-1)?.data?.type).toBe('completed');

    const patterns = await a.client.trpc.analysis.patterns.query({ runId });
    expect(new Set(patterns.map((p) => p.kind))).toEqual(
      new Set(['architecture', 'naming', 'testing', 'dependency', 'security-practice', 'anti-pattern']),
    );
    const lineAt = (p: string, line: number) => fs.readFileSync(path.join(dir, p), 'utf8').split('\n')[line - 1];
    for (const p of patterns) {
      expect(p.evidence.length, p.name).toBeGreaterThan(0);
      for (const e of p.evidence) expect(lineAt(e.path, e.line), `${p.name} → ${e.path}:${e.line}`).toBeDefined();
    }
    const byName = (re: RegExp) => patterns.find((p) => re.test(p.name));
    const tests = byName(/^Tests with Vitest/);
    expect(tests).toMatchObject({ kind: 'testing', confidence: 'medium' });
    expect(tests!.evidence.map((e) => lineAt(e.path, e.line))).toContain(
      "import { describe, expect, it } from 'vitest';",
    );
    const validation = byName(/^Input validation with schemas \(zod\)/);
    expect(validation!.evidence.map((e) => lineAt(e.path, e.line))).toEqual(
      expect.arrayContaining(["import { z } from 'zod';", '  const input = zNewTodo.parse(req.body);']),
    );
    const sqlParams = byName(/^Parameterised SQL queries/);
    expect(sqlParams!.evidence.map((e) => `${e.path}:${e.line}`)).toContain('src/services/todo-service.ts:13');
    expect(byName(/^File names in kebab-case/)).toMatchObject({ kind: 'naming' });
    expect(byName(/^Functions named in camelCase/)).toBeDefined();
    expect(byName(/^Entry point/)?.evidence[0]).toMatchObject({ path: 'package.json', line: 4 });
    expect(byName(/^Most used modules: .*express/)).toMatchObject({ kind: 'dependency' });
    expect(byName(/^Recurring js\/code-injection/)?.evidence[0]).toMatchObject({
      path: 'src/legacy/run-script.js',
      line: 2,
    });

    const docs = await a.client.trpc.analysis.docs.query({ runId });
    expect(docs.map((d) => d.kind)).toEqual(['readme', 'architecture', 'api', 'coding-standards']);
    for (const d of docs) {
      expect(d.qualityScore).toBeGreaterThanOrEqual(0);
      expect(d.qualityScore).toBeLessThanOrEqual(100);
      expect(d.qualityReasons.length).toBeGreaterThan(0);
      expect(d.generatedBy).toBe('deterministic');
    }
    const [readme, architecture, api, standards] = docs;
    expect(readme!.markdown).toMatch(/^# todo-api\n\nA small todo service over HTTP/);
    expect(readme!.markdown).toContain('npm test');
    expect(readme!.markdown).toContain('`src/server.ts`');
    expect(readme!.qualityScore).toBeGreaterThan(80);
    expect(architecture!.markdown).toContain('### `src/db/todo-store.ts`');
    expect(api!.markdown).toContain('| GET | `/todos` | `src/routes/todo-router.ts:8` |');
    expect(api!.markdown).toContain('| POST | `/todos` | `src/routes/todo-router.ts:12` |');
    expect(api!.markdown).toContain('function `createTodo`');
    expect(standards!.markdown).toContain('## Testing');

    // Events: one per pattern and doc, between the documenting stage and completion.
    const types = frames.map((f) => f.data?.type);
    const documenting = frames.findIndex((f) => f.data?.type === 'stage' && f.data.data['stage'] === 'documenting');
    expect(types.filter((t) => t === 'pattern')).toHaveLength(patterns.length);
    expect(frames.filter((f) => f.data?.type === 'doc').map((f) => f.data?.data['kind'])).toEqual([
      'readme',
      'architecture',
      'api',
      'coding-standards',
    ]);
    expect(types.indexOf('pattern')).toBeGreaterThan(documenting);
    expect(types.lastIndexOf('doc')).toBe(types.length - 2);

    const wisdom = await a.client.trpc.memory.wisdom.query({ projectId, budgetChars: 5_000 });
    expect(wisdom.markdown).toContain('### Code patterns (latest analysis)');
    expect(wisdom.markdown).toContain(validation!.name);

    const res = await docsMd(a, runId);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="nyxcore-docs-.*\.md"$/);
    const md = await res.text();
    expect(md).toMatch(/^# todo-api\n/);
    for (const d of docs) expect(md).toContain(d.title);
    expect(md).toContain('## Entry points');
  });

  it('keeps patterns and docs NOT_FOUND to another workspace', async () => {
    const a = await newUser(server);
    const b = await newUser(server);
    const { runId } = await analysed(a);
    expect((await trpcError(() => b.client.trpc.analysis.patterns.query({ runId }))).httpStatus).toBe(404);
    expect((await trpcError(() => b.client.trpc.analysis.docs.query({ runId }))).httpStatus).toBe(404);
    expect((await docsMd(b, runId)).status).toBe(404);
    expect((await trpcError(() => a.client.trpc.analysis.docs.query({ runId: 'nope' }))).httpStatus).toBe(400);
  });

  it('does not duplicate patterns or docs when the documenting stage is resumed', async () => {
    const a = await newUser(server);
    const { dir, runId } = await analysed(a);
    const scope = { tenantId: a.tenantId, userId: a.userId };
    const counts = () =>
      withTenant(server.database, scope, async (tx) => ({
        patterns: (await tx.select().from(analysisPatterns).where(eq(analysisPatterns.runId, runId))).length,
        docs: (await tx.select().from(analysisDocs).where(eq(analysisDocs.runId, runId))).length,
      }));
    const before = await counts();
    expect(before.docs).toBe(4);
    const setup = await builtinScanSetup();
    const deps = {
      database: server.database,
      log: createLogger('silent'),
      workerId: 'docs-resume',
      leaseMs: 30_000,
      shutdown: new AbortController().signal,
      checkout: () => Promise.resolve({ root: dir, commit: null }),
      scanSetup: () => Promise.resolve(setup),
    };
    // Back to the documenting stage, once with the stage's mark (it committed) and once without it.
    for (const report of [sql`${analysisRuns.report}`, sql`${analysisRuns.report} - 'isDocumented'`]) {
      await withTenant(server.database, scope, (tx) =>
        tx
          .update(analysisRuns)
          .set({ status: 'running', stage: 'documenting', finishedAt: null, report })
          .where(eq(analysisRuns.id, runId)),
      );
      await executeAnalysis(deps, { tenantId: a.tenantId, runId });
      expect(await counts()).toEqual(before);
      expect((await a.client.trpc.analysis.get.query({ id: runId })).status).toBe('completed');
    }
    // The first resume stored nothing new; the second re-derived the same rows once.
    const docEvents = await withTenant(server.database, scope, (tx) =>
      tx
        .select({ seq: runEvents.seq })
        .from(runEvents)
        .where(and(eq(runEvents.runId, runId), eq(runEvents.type, 'doc'))),
    );
    expect(docEvents).toHaveLength(8);
  });
});

describe.each(dbKinds)('analysis docs polished by the workspace model on %s', (kind) => {
  let server: TestServer;
  let fake: FakeLlmServer;
  useServers(kind, (s) => ({ server, fake } = s));

  it('rewrites the README with one recorded call, keeps a rewrite that drops references deterministic', async () => {
    const a = await newUser(server);
    const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'nyx-docs-llm-')));
    for (const [rel, text] of Object.entries(repo)) {
      fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
      fs.writeFileSync(path.join(dir, rel), text);
    }
    const project = await a.client.trpc.projects.create.mutate({ name: 'Polish' });
    const { id: repositoryId } = await a.client.trpc.repositories.create.mutate({
      projectId: project.id,
      name: 'todo-api',
      source: 'local_path',
      path: dir,
    });
    const scope = { tenantId: a.tenantId, userId: a.userId };
    const [run] = await withTenant(server.database, scope, (tx) =>
      tx
        .insert(analysisRuns)
        .values({ tenantId: a.tenantId, projectId: project.id, repositoryId, startedBy: a.userId })
        .returning(),
    );
    const setup = await builtinScanSetup();
    const deps = {
      database: server.database,
      log: createLogger('silent'),
      workerId: 'docs-llm',
      leaseMs: 30_000,
      shutdown: new AbortController().signal,
      checkout: () => Promise.resolve({ root: dir, commit: null }),
      scanSetup: () => Promise.resolve(setup),
      llm: llmDepsOf(server.deps),
      isDocPolishEnabled: true,
    };
    // Offline (no key): deterministic, and no model was asked.
    await executeAnalysis(deps, { tenantId: a.tenantId, runId: run!.id });
    const offline = await a.client.trpc.analysis.docs.query({ runId: run!.id });
    expect(offline.map((d) => d.generatedBy)).toEqual([
      'deterministic',
      'deterministic',
      'deterministic',
      'deterministic',
    ]);
    expect(fake.requests).toHaveLength(0);

    await addFakeKey(a, fake);
    await a.client.trpc.llm.settings.update.mutate({ fallbackChain: ['openai'] });
    const draft = offline[0]!.markdown;
    fake.script.openai.push(
      { kind: 'ok', text: draft.replace('# todo-api', '# todo-api — polished') },
      { kind: 'ok', text: '# Architecture\n\nIt is a nice service.' },
    );
    await withTenant(server.database, scope, (tx) =>
      tx
        .update(analysisRuns)
        .set({ status: 'running', stage: 'documenting', report: sql`${analysisRuns.report} - 'isDocumented'` })
        .where(eq(analysisRuns.id, run!.id)),
    );
    await executeAnalysis(deps, { tenantId: a.tenantId, runId: run!.id });
    const docs = await a.client.trpc.analysis.docs.query({ runId: run!.id });
    expect(fake.requests).toHaveLength(2);
    expect(docs[0]).toMatchObject({ kind: 'readme', generatedBy: 'llm' });
    expect(docs[0]!.markdown).toMatch(/^# todo-api — polished/);
    expect(docs[1]).toMatchObject({
      kind: 'architecture',
      generatedBy: 'deterministic',
      markdown: offline[1]!.markdown,
    });
    expect(docs[1]!.qualityReasons.at(-1)).toMatch(/LLM rewrite not used/);
    expect(docs.map((d) => d.kind)).toEqual(['readme', 'architecture', 'api', 'coding-standards']);
    const usage = await withTenant(server.database, scope, (tx) =>
      tx.select({ purpose: llmUsage.purpose }).from(llmUsage).where(eq(llmUsage.purpose, 'analysis.docs')),
    );
    expect(usage).toHaveLength(2);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
