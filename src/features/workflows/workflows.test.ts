/**
 * Workflows end to end over the real HTTP API (runs, streams, reports, exports, retries).
 * Long (~530 lines) because each test drives a whole run; the service-level tests are in
 * start.test.ts, templating.test.ts and offline-quality.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { dbKinds, newUser, trpcError, type TestServer, type TestUser } from '../../testing/harness.js';
import { unzipSync, strFromU8 } from 'fflate';
import type { FakeLlmServer } from '../../testing/fake-llm-server.js';
import { addFakeKey } from '../../testing/fake-keys.js';
import { useServers } from '../../testing/suite.js';
import { readFrames, readUntil } from '../../testing/sse-client.js';

const events = (frames: { event: string }[]) => frames.map((f) => f.event);

async function project(u: TestUser, name = 'Payments') {
  return u.client.trpc.projects.create.mutate({ name });
}

describe.each(dbKinds)('workflows on %s', (kind) => {
  let server: TestServer;
  useServers(kind, (s) => ({ server } = s));

  const stream = (u: TestUser, runId: string, after?: number) =>
    u.client.fetch(`${server.url}/api/v1/events/workflows/${runId}${after !== undefined ? `?after=${after}` : ''}`, {
      headers: u.client.headers(),
    });

  it('runs a two-step workflow with the offline provider and streams it live to the end', async () => {
    const a = await newUser(server);
    const p = await project(a);
    const wf = await a.client.trpc.workflows.create.mutate({
      name: 'Explain',
      projectId: p.id,
      steps: [
        { name: 'Summary', prompt: 'Summarise this for an engineer:\n\n{{input}}' },
        { name: 'Risks', prompt: 'List the risks in {{steps.Summary.content}}' },
      ],
    });
    const run = await a.client.trpc.workflows.run.mutate({
      workflowId: wf.id,
      input: 'The payment service retries failed charges three times with exponential backoff.',
    });
    const res = await stream(a, run.id);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    expect(res.headers.get('cache-control')).toBe('no-cache, no-transform');
    expect(res.headers.get('x-accel-buffering')).toBe('no');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    const frames = await readFrames(res);
    const names = events(frames);
    expect(names[0]).toBe('run.queued');
    expect(names.at(-1)).toBe('run.completed');
    expect(names).toContain('step.delta');
    expect(names.filter((n) => n === 'step.completed')).toHaveLength(2);
    expect(frames.map((f) => f.id)).toEqual(frames.map((_, i) => i + 1));
    const detail = await a.client.trpc.runs.get.query({ id: run.id });
    expect(detail.status).toBe('completed');
    expect(detail.steps.map((s) => [s.status, s.executions])).toEqual([
      ['completed', 1],
      ['completed', 1],
    ]);
    expect(detail.steps[0]?.output).toBeTruthy();
    const streamed = frames
      .filter((f) => f.event === 'step.delta' && f.data?.data.step === 0)
      .map((f) => f.data?.data.text)
      .join('');
    expect(streamed).toBe(detail.steps[0]?.output);
  });
});

describe.each(dbKinds)('workflow definitions, runs and streams on %s', (kind) => {
  let server: TestServer;
  let fake: FakeLlmServer;
  useServers(kind, (s) => ({ server, fake } = s));
  const stream = (u: TestUser, runId: string, headers: Record<string, string> = {}, query = '') =>
    u.client.fetch(`${server.url}/api/v1/events/workflows/${runId}${query}`, {
      headers: { ...u.client.headers(), ...headers },
    });
  const runToEnd = async (u: TestUser, runId: string) => readFrames(await stream(u, runId));

  it('rejects unknown variables with position and suggestion, later-step references and review steps without a project; nothing is saved', async () => {
    const a = await newUser(server);
    const e = await trpcError(() =>
      a.client.trpc.workflows.create.mutate({
        name: 'Broken',
        steps: [
          { name: 'Scan', prompt: 'Look at\n{{inptu}} and {{steps.Report.content}}' },
          { name: 'Report', type: 'review', prompt: 'Findings of {{steps.Scan.ful}}' },
          { name: 'Each', type: 'fan_out', prompt: 'Do {{item}}' },
        ],
      }),
    );
    expect(e.httpStatus).toBe(400);
    const fe = e.fieldErrors ?? {};
    expect(fe['steps.0.prompt']?.[0]).toBe('Unknown variable {{inptu}} (Scan, line 2); did you mean {{input}}?');
    expect(fe['steps.0.prompt']?.[1]).toContain('cannot use the later step "Report"');
    expect(fe['steps.1.prompt']?.[0]).toContain('did you mean {{steps.Scan.full}}?');
    expect(fe['steps.2.fanOutSource']?.[0]).toContain('needs a source step');
    expect(fe.projectId?.[0]).toContain('proposes insights');
    const v = await a.client.trpc.workflows.validate.query({
      steps: [
        { name: 'A', type: 'llm', prompt: 'x' },
        { name: 'B', type: 'fan_out', prompt: '{{item}}', fanOutSource: 'A' },
      ],
    });
    expect(v.issues).toEqual([]);
    expect(v.variables[1]).toEqual([
      'input',
      'memory',
      'project.wisdom',
      'persona.name',
      'item',
      'steps.A.content',
      'steps.A.full',
    ]);
    expect(await a.client.trpc.workflows.list.query({})).toEqual([]);
    const badName = await trpcError(() =>
      a.client.trpc.workflows.create.mutate({ name: 'x', steps: [{ name: 'two words', prompt: 'p' }] }),
    );
    expect(Object.keys(badName.fieldErrors ?? {})).toEqual(['steps.0.name']);
  });

  it('creates from a template (steps in order), clones with the same order, edits and deletes', async () => {
    const a = await newUser(server);
    const p = await a.client.trpc.projects.create.mutate({ name: 'Api' });
    const templates = await a.client.trpc.workflows.templates.query();
    expect(templates.map((t) => t.id)).toEqual(['security-review', 'deep-project-analysis', 'integration-analysis']);
    const noProject = await trpcError(() =>
      a.client.trpc.workflows.fromTemplate.mutate({ templateId: 'security-review', projectId: null }),
    );
    expect(Object.keys(noProject.fieldErrors ?? {})).toContain('projectId');
    const { id } = await a.client.trpc.workflows.fromTemplate.mutate({
      templateId: 'security-review',
      projectId: p.id,
    });
    const wf = await a.client.trpc.workflows.get.query({ id });
    expect(wf.steps.map((s) => s.name)).toEqual(templates[0]?.steps.map((s) => s.name));
    const copy = await a.client.trpc.workflows.clone.mutate({ id });
    const cloned = await a.client.trpc.workflows.get.query({ id: copy.id });
    expect(cloned.name).toBe(`${wf.name} (copy)`);
    expect(cloned.steps).toEqual(wf.steps);
    const { id: _id, tenantId: _t, templateId: _tpl, createdBy: _c, createdAt: _ca, updatedAt: _u, ...def } = cloned;
    await a.client.trpc.workflows.update.mutate({ ...def, id: copy.id, steps: [...def.steps].reverse().slice(-1) });
    expect((await a.client.trpc.workflows.get.query({ id: copy.id })).steps.map((s) => s.name)).toEqual([
      wf.steps[0]?.name,
    ]);
    await a.client.trpc.workflows.delete.mutate({ id: copy.id });
    expect((await a.client.trpc.workflows.list.query({})).map((w) => w.id)).toEqual([id]);
  });

  it('a workflow that uses {{input}} refuses an empty input, naming the field, and starts no run', async () => {
    const a = await newUser(server);
    const wf = await a.client.trpc.workflows.create.mutate({
      name: 'Needs input',
      steps: [{ name: 'Summary', prompt: 'Summarise:\n{{input}}' }],
    });
    for (const input of ['', '   \n ']) {
      const err = await trpcError(() => a.client.trpc.workflows.run.mutate({ workflowId: wf.id, input }));
      expect(err.httpStatus).toBe(400);
      expect(Object.keys(err.fieldErrors ?? {})).toEqual(['input']);
    }
    expect(await a.client.trpc.runs.list.query({ workflowId: wf.id })).toEqual([]);
  });

  it('a review step proposes insights into memory, the persona gains XP, and the run exports as Markdown and ZIP', async () => {
    const a = await newUser(server);
    const p = await a.client.trpc.projects.create.mutate({ name: 'Shop' });
    const wf = await a.client.trpc.workflows.create.mutate({
      name: 'Audit',
      projectId: p.id,
      steps: [
        { name: 'Scan', prompt: 'Find security problems in:\n{{input}}', requiredCategories: ['security'] },
        { name: 'Findings', type: 'review', prompt: 'Extract the findings from {{steps.Scan.full}}' },
      ],
    });
    const before = (await a.client.trpc.personas.list.query({})).find((x) => x.name === 'Security Auditor');
    const run = await a.client.trpc.workflows.run.mutate({
      workflowId: wf.id,
      input: 'The login endpoint builds SQL by string concatenation of the username.',
    });
    const frames = await runToEnd(a, run.id);
    expect(frames.at(-1)?.event).toBe('run.completed');
    const started = frames.find((f) => f.event === 'step.started' && f.data?.data.step === 0);
    expect(started?.data?.data.persona).toBe('Security Auditor');
    const review = frames.find((f) => f.event === 'step.completed' && f.data?.data.step === 1);
    const insights = await a.client.trpc.runs.insights.query({ id: run.id });
    expect(insights.length).toBeGreaterThan(0);
    expect(insights.every((i) => i.status === 'proposed' && i.originStep === 'Findings')).toBe(true);
    expect(review?.data?.data.insightIds).toEqual(insights.map((i) => i.id));
    const after = (await a.client.trpc.personas.list.query({})).find((x) => x.name === 'Security Auditor');
    expect((after?.xp ?? 0) - (before?.xp ?? 0)).toBe(10);
    expect(after?.stepsCompleted).toBe((before?.stepsCompleted ?? 0) + 1);

    const md = await a.client.fetch(`${server.url}/api/v1/workflow-runs/${run.id}/report.md`, {
      headers: a.client.headers(),
    });
    expect(md.status).toBe(200);
    const report = await md.text();
    expect(report).toContain('# Audit — run report');
    expect(report).toMatch(/\| 1 \| Scan \| completed \| offline/);
    const zip = await a.client.fetch(`${server.url}/api/v1/workflow-runs/${run.id}/export.zip?tenant=${a.tenantId}`, {
      headers: { cookie: a.client.headers().cookie ?? '' },
    });
    expect(zip.headers.get('content-type')).toBe('application/zip');
    const files = unzipSync(new Uint8Array(await zip.arrayBuffer()));
    expect(Object.keys(files).sort()).toEqual([
      'report.md',
      'steps/01-Scan.md',
      'steps/02-Findings.md',
      'workflow.json',
    ]);
    expect(JSON.parse(strFromU8(files['workflow.json']!)).steps).toHaveLength(2);
  });

  it('fan-out runs every item with per-item progress; retry from step 2 reruns only the later steps', async () => {
    const a = await newUser(server);
    await addFakeKey(a, fake);
    const wf = await a.client.trpc.workflows.create.mutate({
      name: 'Areas',
      steps: [
        { name: 'List', prompt: 'List areas', provider: 'openai' },
        {
          name: 'Each',
          type: 'fan_out',
          prompt: 'Review {{item}}',
          fanOutSource: 'List',
          concurrency: 2,
          provider: 'openai',
        },
        { name: 'Wrap', prompt: 'Summarise {{steps.Each.full}}' },
      ],
    });
    fake.script.openai.push(
      { kind: 'ok', text: '```json\n["auth", "billing", "search"]\n```' },
      { kind: 'ok', text: 'A' },
      { kind: 'ok', text: 'B' },
      { kind: 'ok', text: 'C' },
    );
    const run = await a.client.trpc.workflows.run.mutate({ workflowId: wf.id, input: '' });
    const frames = await runToEnd(a, run.id);
    expect(frames.at(-1)?.event).toBe('run.completed');
    const progress = frames.filter((f) => f.event === 'step.progress').map((f) => f.data?.data.done);
    expect(progress).toEqual([0, 1, 2, 3]);
    const lanes = new Set(
      frames.filter((f) => f.event === 'step.delta' && f.data?.data.step === 1).map((f) => f.data?.data.lane),
    );
    expect([...lanes].sort()).toEqual(['item:0', 'item:1', 'item:2']);
    const detail = await a.client.trpc.runs.get.query({ id: run.id });
    expect((detail.steps[1]?.items as { item: string; status: string }[]).map((i) => [i.item, i.status])).toEqual([
      ['auth', 'completed'],
      ['billing', 'completed'],
      ['search', 'completed'],
    ]);

    const tooFar = await trpcError(() => a.client.trpc.runs.retry.mutate({ id: run.id, fromStep: 3 }));
    expect(tooFar.httpStatus).toBe(400);
    fake.script.openai.push({ kind: 'ok', text: 'A2' }, { kind: 'ok', text: 'B2' }, { kind: 'ok', text: 'C2' });
    await a.client.trpc.runs.retry.mutate({ id: run.id, fromStep: 1 });
    const again = await readFrames(await stream(a, run.id, { 'last-event-id': String(frames.at(-1)?.id) }));
    expect(again[0]?.event).toBe('run.queued');
    expect(again.at(-1)?.event).toBe('run.completed');
    const rerun = await a.client.trpc.runs.get.query({ id: run.id });
    expect(rerun.steps.map((s) => s.executions)).toEqual([1, 2, 2]);
    expect(rerun.steps[1]?.output).toContain('A2');
  });

  it('cancel stops a running step, keeps what finished, and ends the stream with run.cancelled', async () => {
    const a = await newUser(server);
    await addFakeKey(a, fake);
    await a.client.trpc.llm.settings.update.mutate({ fallbackChain: ['openai'] });
    const wf = await a.client.trpc.workflows.create.mutate({
      name: 'Slow',
      steps: [
        { name: 'Fast', prompt: 'hi', provider: 'offline' },
        { name: 'Stuck', prompt: 'wait', provider: 'openai', retries: 0 },
      ],
    });
    fake.script.openai.push({ kind: 'hang' });
    const run = await a.client.trpc.workflows.run.mutate({ workflowId: wf.id, input: '' });
    const res = await stream(a, run.id);
    const upTo = await readUntil(res, (f) => f.event === 'step.started' && f.data?.data.step === 1);
    expect(upTo.at(-1)?.data?.data.name).toBe('Stuck');
    expect(await a.client.trpc.runs.cancel.mutate({ id: run.id })).toEqual({ status: 'cancelling' });
    const rest = await readFrames(await stream(a, run.id, {}, `?after=${upTo.at(-1)?.id}`));
    expect(rest.map((f) => f.event)).toEqual(['step.failed', 'run.cancelled']);
    const detail = await a.client.trpc.runs.get.query({ id: run.id });
    expect([detail.status, ...detail.steps.map((s) => s.status)]).toEqual(['cancelled', 'completed', 'cancelled']);
    const again = await trpcError(() => a.client.trpc.runs.cancel.mutate({ id: run.id }));
    expect(again.httpStatus).toBe(409);
  });

  it('replays exactly the missing events after Last-Event-ID, in order, without duplicates', async () => {
    const a = await newUser(server);
    const wf = await a.client.trpc.workflows.create.mutate({
      name: 'Two',
      steps: [
        { name: 'One', prompt: '{{input}}' },
        { name: 'Two', prompt: 'More on {{steps.One.content}}' },
      ],
    });
    const run = await a.client.trpc.workflows.run.mutate({
      workflowId: wf.id,
      input: 'Caching strategy for the catalogue service and its invalidation rules.',
    });
    const all = await runToEnd(a, run.id);
    const firstPart = await readFrames(await stream(a, run.id), 3);
    expect(firstPart.map((f) => f.id)).toEqual([1, 2, 3]);
    const resumed = await readFrames(await stream(a, run.id, { 'last-event-id': '3' }));
    expect(resumed.map((f) => f.id)).toEqual(all.slice(3).map((f) => f.id));
    expect(resumed.map((f) => f.data)).toEqual(all.slice(3).map((f) => f.data));
    const garbage = await readFrames(await stream(a, run.id, {}, '?after=abc%0Aevent:%20x'));
    expect(garbage).toHaveLength(all.length);
  });

  it('injects {{memory}}, {{project.wisdom}} and {{persona.name}}, passes the previous output as context when no step is referenced, and compares providers side by side', async () => {
    const a = await newUser(server);
    const p = await a.client.trpc.projects.create.mutate({ name: 'Ledger' });
    await addFakeKey(a, fake);
    const linked = await a.client.trpc.insights.create.mutate({
      projectId: p.id,
      title: 'Idempotency keys on every charge',
      type: 'solution',
      severity: 'high',
    });
    const approved = await a.client.trpc.insights.create.mutate({
      projectId: p.id,
      title: 'Nightly reconciliation catches drift',
      type: 'strength',
      severity: 'medium',
    });
    await a.client.trpc.insights.approve.mutate({ id: approved.id });
    const persona = (await a.client.trpc.personas.list.query({})).find((x) => x.name === 'Security Auditor');
    const wf = await a.client.trpc.workflows.create.mutate({
      name: 'Context',
      projectId: p.id,
      memoryInsightIds: [linked.id],
      steps: [
        {
          name: 'Gather',
          prompt: 'As {{persona.name}}:\n{{memory}}\n{{project.wisdom}}',
          provider: 'openai',
          personaId: persona?.id ?? null,
        },
        { name: 'Next', prompt: 'Go on.', provider: 'openai', compareProviders: ['offline'] },
      ],
    });
    fake.script.openai.push({ kind: 'ok', text: 'GATHERED-OUTPUT' }, { kind: 'ok', text: 'NEXT-OUTPUT' });
    const before = fake.requests.length;
    const run = await a.client.trpc.workflows.run.mutate({ workflowId: wf.id, input: 'charges' });
    const frames = await runToEnd(a, run.id);
    expect(frames.at(-1)?.event).toBe('run.completed');
    const prompts = fake.requests.slice(before).map((r) => JSON.stringify(r.body.messages));
    expect(prompts[0]).toContain('As Security Auditor:');
    expect(prompts[0]).toContain('Idempotency keys on every charge');
    expect(prompts[0]).toContain('Nightly reconciliation catches drift');
    expect(prompts[0]).toContain(persona?.systemPrompt.slice(0, 40));
    expect(prompts[1]).toContain('Context: the output of the previous step');
    expect(prompts[1]).toContain('GATHERED-OUTPUT');
    const started = frames.filter((f) => f.event === 'step.started').map((f) => f.data?.data.autoContext);
    expect(started).toEqual([false, true]);
    const lanes = new Set(
      frames.filter((f) => f.event === 'step.delta' && f.data?.data.step === 1).map((f) => f.data?.data.lane),
    );
    expect([...lanes].sort()).toEqual(['compare:offline', null]);
    const detail = await a.client.trpc.runs.get.query({ id: run.id });
    expect(detail.steps[1]?.output).toBe('NEXT-OUTPUT');
    expect(detail.steps[1]?.comparisons).toEqual([
      expect.objectContaining({ provider: 'offline', model: 'offline-extractive-v1', error: null }),
    ]);
  });

  it('retries a failing step by its policy, then fails the run with the reason when retries run out', async () => {
    const a = await newUser(server);
    await addFakeKey(a, fake);
    await a.client.trpc.llm.settings.update.mutate({ fallbackChain: ['openai'] });
    const wf = await a.client.trpc.workflows.create.mutate({
      name: 'Flaky',
      steps: [{ name: 'Call', prompt: 'hi', provider: 'openai', retries: 1 }],
    });
    const down = { kind: 'status', status: 500 } as const;
    // Attempt 1: the LLM layer's own three tries fail; attempt 2 succeeds.
    fake.script.openai.push(down, down, down, { kind: 'ok', text: 'finally' });
    const ok = await a.client.trpc.workflows.run.mutate({ workflowId: wf.id, input: '' });
    const frames = await runToEnd(a, ok.id);
    expect(events(frames).filter((e) => e.startsWith('step.'))).toEqual([
      'step.started',
      'step.retrying',
      'step.started',
      'step.delta',
      'step.completed',
    ]);
    // One numbering: the step's attempts are "n of 2"; the LLM layer's tries are requests.
    expect(
      frames.filter((f) => f.event === 'step.started').map((f) => [f.data?.data.attempt, f.data?.data.maxAttempts]),
    ).toEqual([
      [1, 2],
      [2, 2],
    ]);
    expect(frames.find((f) => f.event === 'step.retrying')?.data?.data.error).toContain('(3 requests failed)');
    expect((await a.client.trpc.runs.get.query({ id: ok.id })).steps[0]).toMatchObject({
      status: 'completed',
      attempt: 2,
      output: 'finally',
    });

    fake.script.openai.push(down, down, down, down, down, down);
    const bad = await a.client.trpc.workflows.run.mutate({ workflowId: wf.id, input: '' });
    const failed = await runToEnd(a, bad.id);
    expect(failed.at(-1)?.event).toBe('run.failed');
    expect(failed.at(-1)?.data?.data.error).toContain('Step "Call" failed');
    const detail = await a.client.trpc.runs.get.query({ id: bad.id });
    expect([detail.status, detail.steps[0]?.status, detail.steps[0]?.error]).toEqual([
      'failed',
      'failed',
      expect.stringContaining('No LLM provider could answer'),
    ]);
  });

  it('a model without a price makes the run "unpriced", not free; the runs list previews each input; the report fences the input', async () => {
    const a = await newUser(server);
    await addFakeKey(a, fake);
    const wf = await a.client.trpc.workflows.create.mutate({
      name: 'House model',
      steps: [{ name: 'Call', prompt: 'Answer: {{input}}', provider: 'openai', model: 'house-model-unpriced' }],
    });
    fake.script.openai.push({ kind: 'ok', text: 'done', tokensIn: 30, tokensOut: 5 });
    const input = '# Not a heading of the report\n\n```\ncode in the input\n```\nand the rest';
    const run = await a.client.trpc.workflows.run.mutate({ workflowId: wf.id, input });
    const frames = await runToEnd(a, run.id);
    expect(frames.find((f) => f.event === 'step.completed')?.data?.data).toMatchObject({
      costUsd: 0,
      unpricedCalls: 1,
    });
    expect(frames.at(-1)?.data?.data).toMatchObject({ tokensIn: 30, tokensOut: 5, costUsd: 0, unpricedCalls: 1 });
    const detail = await a.client.trpc.runs.get.query({ id: run.id });
    expect([detail.costUsd, detail.unpricedCalls, detail.steps[0]?.unpricedCalls]).toEqual([0, 1, 1]);
    const [listed] = await a.client.trpc.runs.list.query({ workflowId: wf.id, limit: 5 });
    expect(listed).toMatchObject({ id: run.id, unpricedCalls: 1, inputPreview: input });

    const report = await (
      await a.client.fetch(`${server.url}/api/v1/workflow-runs/${run.id}/report.md`, { headers: a.client.headers() })
    ).text();
    expect(report).toContain('5 tokens out, unpriced (every execution');
    expect(report).not.toContain('$0.0000');
    // The input sits in a fence longer than its own, so its heading and fence stay inside.
    expect(report).toContain(`## Input\n\n\`\`\`\`text\n${input}\n\`\`\`\`\n`);
  });

  it("another workspace's run is a 404 on the stream and exports, NOT_FOUND in tRPC", async () => {
    const a = await newUser(server);
    const b = await newUser(server);
    const wf = await a.client.trpc.workflows.create.mutate({
      name: 'Mine',
      steps: [{ name: 'Only', prompt: '{{input}}' }],
    });
    const run = await a.client.trpc.workflows.run.mutate({ workflowId: wf.id, input: 'x' });
    await runToEnd(a, run.id);
    expect((await stream(b, run.id)).status).toBe(404);
    for (const path of ['report.md', 'export.zip']) {
      expect(
        (await b.client.fetch(`${server.url}/api/v1/workflow-runs/${run.id}/${path}`, { headers: b.client.headers() }))
          .status,
      ).toBe(404);
    }
    expect((await stream(b, 'not-a-uuid')).status).toBe(400);
    for (const call of [
      () => b.client.trpc.runs.get.query({ id: run.id }),
      () => b.client.trpc.runs.insights.query({ id: run.id }),
      () => b.client.trpc.runs.cancel.mutate({ id: run.id }),
      () => b.client.trpc.runs.retry.mutate({ id: run.id, fromStep: 0 }),
      () => b.client.trpc.workflows.get.query({ id: wf.id }),
      () => b.client.trpc.workflows.run.mutate({ workflowId: wf.id, input: '' }),
      () => b.client.trpc.workflows.clone.mutate({ id: wf.id }),
      () => b.client.trpc.workflows.delete.mutate({ id: wf.id }),
    ]) {
      expect((await trpcError(call)).code).toBe('NOT_FOUND');
    }
    expect(await b.client.trpc.runs.list.query({})).toEqual([]);
    expect(await b.client.trpc.workflows.list.query({})).toEqual([]);
    // Nor can B build on A's project, personas or insights.
    const aProject = await a.client.trpc.projects.create.mutate({ name: 'A only' });
    const aPersona = (await a.client.trpc.personas.list.query({}))[0];
    const aInsight = await a.client.trpc.insights.create.mutate({
      projectId: aProject.id,
      title: 'A secret',
      type: 'decision',
      severity: 'low',
    });
    expect(
      (
        await trpcError(() =>
          b.client.trpc.workflows.create.mutate({
            name: 'x',
            projectId: aProject.id,
            steps: [{ name: 'S', prompt: 'p' }],
          }),
        )
      ).code,
    ).toBe('NOT_FOUND');
    const refs = await trpcError(() =>
      b.client.trpc.workflows.create.mutate({
        name: 'x',
        memoryInsightIds: [aInsight.id],
        steps: [{ name: 'S', prompt: 'p', personaId: aPersona?.id ?? null }],
      }),
    );
    expect(Object.keys(refs.fieldErrors ?? {}).sort()).toEqual(['memoryInsightIds.0', 'steps.0.personaId']);
  });
});
