/**
 * npm run bench:engine — workflow engine overhead per step, and throughput of 100 concurrent runs.
 *
 *   tsx bench/engine.ts [postgres-url] [--pglite-only | --postgres-only] [--concurrency=16]
 *
 * Backends: PGlite (in memory) always; PostgreSQL too when a URL is given (argv) or
 * NYXCORE_TEST_DATABASE_URL is set. Each part starts its own real nyxCore server
 * (src/testing/harness.ts `startTestServer`; note its PostgreSQL pool is 4 connections). The LLM
 * is the offline provider (no key configured), so no network is involved.
 *
 * (1) Overhead per step. Worker off; one 20-step `llm` workflow (auto-context: each step gets the
 *     previous output; digest off, so one LLM call per step), run through the real runner path:
 *     `executeRun` with runner deps from `engineDepsOf` (claim + lease, engine generator, one
 *     transaction per event batch with its state change, appendEvents/NOTIFY). Step time = time
 *     between the NOTIFYs of step.completed i−1 and step.completed i as the EventHub receives
 *     them (the full cycle: step.started commit, prompt, LLM call, deltas + step.completed commit);
 *     steps 1..19 (step 0 also carries the per-run persona lookup). LLM time = the same
 *     `generateStream` calls (same tenant, system prompt, rendered prompts incl. auto-context)
 *     timed standalone, interleaved with the runs; it includes the LLM service's own database work
 *     (provider/budget config read, usage row write), which is the LLM call's cost, not the
 *     engine's. Overhead = step time − LLM time of the same step, per sample; median and p90 over
 *     all samples. For scale, the offline model alone (streamText, no database) is timed too.
 *     1 warm-up run + 5 timed runs per backend. Target: median overhead ≤ 5 ms/step.
 * (2) Throughput. Worker on (NYXCORE_WORKER_CONCURRENCY=16); a 3-step offline workflow; 100
 *     `workflows.run` calls through the tRPC API at once (each commits its run and queues a
 *     pg-boss job); completion = the run.completed NOTIFY, received on a LISTEN opened before the
 *     first dispatch. Reports runs/s and steps/s (100 runs, 300 steps ÷ first dispatch call →
 *     last completion), p50/p95 run latency (its `workflows.run` call → its run.completed), and
 *     checks every run ended `completed` with 3 completed steps (runs.get); from the run rows, time
 *     queued (created → claimed) and executing (claimed → finished).
 * Figures only, no assertions.
 */
import { performance } from 'node:perf_hooks';
import { randomUUID } from 'node:crypto';
import { streamText } from 'ai';
import { executeRun, type RunnerDeps } from '../src/features/workflows/runner.js';
import { renderTemplate, stepContent, type StepOutputs } from '../src/features/workflows/templating.js';
import type { TestServer, TestUser } from '../src/testing/harness.js';
import { generateStream, type LlmCall } from '../src/platform/llm/service.js';
import { OFFLINE_MODEL } from '../src/platform/llm/offline.js';
import { createLanguageModel } from '../src/platform/llm/providers.js';
import { EVENTS_CHANNEL, type Announcement } from '../src/platform/events/store.js';
import { engineDepsOf } from '../src/runtime.js';
import { prng } from './prng.js';

const args = process.argv.slice(2);
const urlArg = args.find((a) => !a.startsWith('--'));
if (urlArg) process.env.NYXCORE_TEST_DATABASE_URL = urlArg;
const runPostgres = !args.includes('--pglite-only');
const runPglite = !args.includes('--postgres-only');

const STEPS = 20;
const TIMED_RUNS = 5;
const CONCURRENT_RUNS = 100;
const THROUGHPUT_STEPS = 3;
const WORKER_CONCURRENCY = args.find((a) => a.startsWith('--concurrency='))?.slice('--concurrency='.length) ?? '16';
/** The engine's system prompt without a persona (src/features/workflows/engine.ts, DEFAULT_SYSTEM; not exported). */
const DEFAULT_SYSTEM =
  'You are a careful senior software engineer. Answer precisely, cite evidence from the material you are given, and say so when something is uncertain.';

const t0 = performance.now();
const elapsed = () => `${((performance.now() - t0) / 1000).toFixed(0).padStart(4)}s`;
const progress = (msg: string) => console.log(`[${elapsed()}] ${msg}`);
const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
const pct = (xs: number[], p: number) =>
  xs.length ? (sorted(xs)[Math.min(xs.length - 1, Math.floor(p * xs.length))] ?? NaN) : NaN;
const f = (x: number, d = 2) => (Number.isFinite(x) ? x.toFixed(d) : '—');

/** ~1,500 characters of engineering prose: the offline model extracts and ranks its sentences. */
function runInput(): string {
  const rng = prng(11);
  const subjects = [
    'The payment service',
    'The deploy pipeline',
    'Our cache layer',
    'The job queue',
    'The search index',
    'The auth gateway',
  ];
  const verbs = [
    'retries failed requests',
    'drops connections',
    'leaks memory',
    'times out',
    'rebuilds nightly',
    'spikes latency',
  ];
  const tails = [
    'under peak load',
    'after each release',
    'when the database fails over',
    'during backups',
    'for large tenants',
    'without alerting anyone',
  ];
  const pick = (xs: string[]) => xs[Math.floor(rng() * xs.length)] as string;
  const out: string[] = [];
  while (out.join(' ').length < 1_500)
    out.push(`${pick(subjects)} ${pick(verbs)} ${pick(tails)}, and the team measured it twice.`);
  return out.join(' ');
}

const stepPrompt = (i: number) =>
  i === 0
    ? 'Summarise the operational risks described here for an on-call engineer:\n\n{{input}}'
    : `Step ${i + 1}: refine the analysis above; list the most important risks and what to measure next.`;

async function harness() {
  return import('../src/testing/harness.js');
}

// --- (1) engine overhead per step -------------------------------------------------------------------

interface OverheadResult {
  backend: string;
  /** Per sample (run × step 1..19): full step cycle, standalone generateStream, difference. */
  cycle: number[];
  llm: number[];
  overhead: number[];
  /** The offline model alone (streamText, no database), per step prompt. */
  model: number[];
  /** Whole-run wall time (executeRun) per timed run, and the first step's cycle (incl. persona lookup). */
  runMs: number[];
  step0: number[];
}

async function overhead(kind: 'pglite' | 'postgres', backend: string): Promise<OverheadResult> {
  const { startTestServer, newUser } = await harness();
  const server: TestServer = await startTestServer(kind, { NYXCORE_WORKER: 'off' });
  const res: OverheadResult = { backend, cycle: [], llm: [], overhead: [], model: [], runMs: [], step0: [] };
  try {
    const user: TestUser = await newUser(server);
    const input = runInput();
    const wf = await user.client.trpc.workflows.create.mutate({
      name: 'Engine bench',
      steps: Array.from({ length: STEPS }, (_, i) => ({ name: `S${i + 1}`, prompt: stepPrompt(i), digest: false })),
    });
    const runnerDeps: RunnerDeps = {
      database: server.database,
      log: server.deps.log,
      engine: engineDepsOf(server.deps, { sleep: () => Promise.resolve() }),
      workerId: `bench-${randomUUID().slice(0, 8)}`,
      leaseMs: 30_000,
      shutdown: new AbortController().signal,
    };
    const llm = runnerDeps.engine.llm;

    /** One run through executeRun; returns the hub arrival time of each step.completed. */
    const oneRun = async () => {
      const run = await user.client.trpc.workflows.run.mutate({ workflowId: wf.id, input });
      const completedAt = new Array<number>(STEPS).fill(NaN);
      let startedAt = NaN;
      const unsubscribe = server.deps.hub.subscribe(
        { kind: 'workflow', id: run.id, tenantId: user.tenantId },
        (events) => {
          const at = performance.now();
          for (const e of events) {
            if (e.type === 'run.started') startedAt = at;
            if (e.type === 'step.completed') completedAt[(e.data as { step: number }).step] = at;
          }
        },
      );
      const began = performance.now();
      try {
        const outcome = await executeRun(runnerDeps, { tenantId: user.tenantId, runId: run.id });
        if (outcome !== 'done') throw new Error(`executeRun: ${outcome}`);
      } finally {
        // The last NOTIFY may still be on its way.
        const deadline = performance.now() + 2_000;
        while (Number.isNaN(completedAt[STEPS - 1]) && performance.now() < deadline)
          await new Promise((r) => setTimeout(r, 5));
        unsubscribe();
      }
      const runMs = performance.now() - began;
      const detail = await user.client.trpc.runs.get.query({ id: run.id });
      if (detail.status !== 'completed') throw new Error(`run ${run.id} ended ${detail.status}: ${detail.error ?? ''}`);
      return { runMs, startedAt, completedAt, detail };
    };

    /** The engine's prompts for this run, rebuilt from its stored outputs (same rendering and auto-context). */
    const promptsOf = (detail: Awaited<ReturnType<typeof oneRun>>['detail']) => {
      const outputs = new Map<string, StepOutputs>();
      return detail.definition.steps.map((step, i) => {
        let prompt = renderTemplate(step.prompt, {
          input: detail.input,
          memory: '',
          wisdom: '',
          personaName: 'Assistant',
          steps: outputs,
        });
        const prev = i > 0 ? detail.definition.steps[i - 1] : undefined;
        const out = prev ? outputs.get(prev.name) : undefined;
        if (prev && out)
          prompt += `\n\n---\nContext: the output of the previous step "${prev.name}":\n\n${stepContent(out)}`;
        const row = detail.steps[i];
        outputs.set(step.name, { full: row?.output ?? '', digest: row?.digest ?? null, isFanOut: false });
        return prompt;
      });
    };

    const timeLlm = async (prompts: string[]) => {
      const ms: number[] = [];
      for (const prompt of prompts) {
        const call: LlmCall = {
          tenantId: user.tenantId,
          userId: user.userId,
          purpose: 'workflow.step',
          system: DEFAULT_SYSTEM,
          prompt,
          signal: AbortSignal.timeout(300_000),
        };
        let text = '';
        const started = performance.now();
        await generateStream(llm, call, (t) => (text += t));
        ms.push(performance.now() - started);
      }
      return ms;
    };
    const timeModel = async (prompts: string[]) => {
      const model = createLanguageModel(
        { name: 'offline', kind: 'offline', baseUrl: null, apiKey: null },
        OFFLINE_MODEL,
      );
      const ms: number[] = [];
      for (const prompt of prompts) {
        const started = performance.now();
        const r = streamText({ model, system: DEFAULT_SYSTEM, prompt, maxRetries: 0 });
        for await (const _part of r.fullStream) {
          // consume
        }
        ms.push(performance.now() - started);
      }
      return ms;
    };

    progress(`${backend}: overhead: warm-up run (${STEPS} steps)`);
    const warm = await oneRun();
    const prompts = promptsOf(warm.detail);
    await timeLlm(prompts);
    await timeModel(prompts);
    for (let r = 0; r < TIMED_RUNS; r++) {
      const run = await oneRun();
      const same = promptsOf(run.detail).every((p, i) => p === prompts[i]);
      if (!same) progress(`${backend}: note: run ${r + 1} rendered different prompts than the warm-up run`);
      const llmMs = await timeLlm(promptsOf(run.detail));
      res.model.push(...(await timeModel(prompts)));
      res.runMs.push(run.runMs);
      res.step0.push((run.completedAt[0] ?? NaN) - run.startedAt);
      for (let i = 1; i < STEPS; i++) {
        const cycle = (run.completedAt[i] ?? NaN) - (run.completedAt[i - 1] ?? NaN);
        const l = llmMs[i] ?? NaN;
        res.cycle.push(cycle);
        res.llm.push(l);
        res.overhead.push(cycle - l);
      }
      progress(
        `${backend}: run ${r + 1}/${TIMED_RUNS}: ${f(run.runMs, 0)} ms, step cycle p50 ${f(pct(res.cycle.slice(-(STEPS - 1)), 0.5))} ms, LLM p50 ${f(pct(llmMs.slice(1), 0.5))} ms`,
      );
    }
  } finally {
    await server.close();
  }
  return res;
}

// --- (2) throughput of 100 concurrent runs ----------------------------------------------------------

interface ThroughputResult {
  backend: string;
  dispatchMs: number;
  wallMs: number;
  latencies: number[];
  completed: number;
  stepsCompleted: number;
  failures: string[];
  /** From the run rows: created → claimed by a worker (started_at), claimed → finished. */
  queueWait: number[];
  execution: number[];
}

async function throughput(kind: 'pglite' | 'postgres', backend: string): Promise<ThroughputResult> {
  const { startTestServer, newUser } = await harness();
  const server: TestServer = await startTestServer(kind, { NYXCORE_WORKER_CONCURRENCY: WORKER_CONCURRENCY });
  const finishedAt = new Map<string, { at: number; type: string }>();
  let onFinish: (() => void) | null = null;
  const unlisten = await server.database.listen(EVENTS_CHANNEL, (payload) => {
    const at = performance.now();
    const a = JSON.parse(payload) as Announcement;
    const end = a.e?.find((e) => e.type === 'run.completed' || e.type === 'run.failed' || e.type === 'run.cancelled');
    if (a.k === 'workflow' && end && !finishedAt.has(a.r)) {
      finishedAt.set(a.r, { at, type: end.type });
      onFinish?.();
    }
  });
  try {
    const user: TestUser = await newUser(server);
    const wf = await user.client.trpc.workflows.create.mutate({
      name: 'Throughput bench',
      steps: Array.from({ length: THROUGHPUT_STEPS }, (_, i) => ({ name: `S${i + 1}`, prompt: stepPrompt(i) })),
    });
    const input = runInput();
    progress(
      `${backend}: throughput: dispatching ${CONCURRENT_RUNS} runs of ${THROUGHPUT_STEPS} steps (worker concurrency ${WORKER_CONCURRENCY})`,
    );
    const allDone = new Promise<void>((resolve) => {
      onFinish = () => {
        if (finishedAt.size >= CONCURRENT_RUNS) resolve();
      };
    });
    const started = performance.now();
    const runs = await Promise.all(
      Array.from({ length: CONCURRENT_RUNS }, async () => {
        const sent = performance.now();
        const run = await user.client.trpc.workflows.run.mutate({ workflowId: wf.id, input });
        return { id: run.id, sent };
      }),
    );
    const dispatchMs = performance.now() - started;
    progress(
      `${backend}: all ${CONCURRENT_RUNS} dispatched in ${f(dispatchMs, 0)} ms; ${finishedAt.size} already finished`,
    );
    const timeout = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 120_000).unref());
    if ((await Promise.race([allDone, timeout])) === 'timeout')
      progress(`${backend}: timed out with ${finishedAt.size}/${CONCURRENT_RUNS} finished`);
    const last = Math.max(...runs.map((r) => finishedAt.get(r.id)?.at ?? NaN).filter((x) => !Number.isNaN(x)));
    const latencies = runs.flatMap((r) => {
      const done = finishedAt.get(r.id);
      return done ? [done.at - r.sent] : [];
    });
    let completed = 0;
    let stepsCompleted = 0;
    const failures: string[] = [];
    const queueWait: number[] = [];
    const execution: number[] = [];
    for (const r of runs) {
      const d = await user.client.trpc.runs.get.query({ id: r.id });
      if (d.startedAt && d.finishedAt) {
        queueWait.push(new Date(d.startedAt).getTime() - new Date(d.createdAt).getTime());
        execution.push(new Date(d.finishedAt).getTime() - new Date(d.startedAt).getTime());
      }
      if (d.status === 'completed') completed++;
      else if (failures.length < 3) failures.push(`${r.id}: ${d.status} ${d.error ?? ''}`);
      stepsCompleted += d.steps.filter((s) => s.status === 'completed').length;
    }
    return {
      backend,
      dispatchMs,
      wallMs: last - started,
      latencies,
      completed,
      stepsCompleted,
      failures,
      queueWait,
      execution,
    };
  } finally {
    await unlisten();
    await server.close();
  }
}

async function main() {
  const { testPostgresUrl } = await harness();
  const backends: ['pglite' | 'postgres', string][] = [];
  if (runPglite) backends.push(['pglite', 'PGlite']);
  if (runPostgres && testPostgresUrl) backends.push(['postgres', 'PostgreSQL']);
  progress(
    `backends: ${backends.map((b) => b[1]).join(', ')}${testPostgresUrl ? '' : ' (pass a PostgreSQL URL or set NYXCORE_TEST_DATABASE_URL to add PostgreSQL)'}`,
  );
  const over: OverheadResult[] = [];
  const thr: ThroughputResult[] = [];
  for (const [kind, name] of backends) {
    over.push(await overhead(kind, name));
    thr.push(await throughput(kind, name));
  }

  console.log(
    `\n(1) engine overhead per step: ${STEPS}-step llm workflow, offline provider, executeRun; ${TIMED_RUNS} runs × ${STEPS - 1} steps (1..${STEPS - 1}) per backend`,
  );
  console.log(
    '    step cycle = step.completed(i−1) → step.completed(i) NOTIFY; LLM = the same generateStream call standalone (incl. its config read + usage write);',
  );
  console.log('    overhead = cycle − LLM per sample; model = the offline model alone (no database). All in ms.');
  console.log(
    '  backend      run ms p50  step0 p50   cycle p50  cycle p90    LLM p50    LLM p90  model p50   overhead p50  overhead p90',
  );
  for (const r of over) {
    console.log(
      `  ${r.backend.padEnd(11)} ${f(pct(r.runMs, 0.5), 0).padStart(11)} ${f(pct(r.step0, 0.5)).padStart(10)} ${f(pct(r.cycle, 0.5)).padStart(11)} ${f(pct(r.cycle, 0.9)).padStart(10)} ${f(pct(r.llm, 0.5)).padStart(10)} ${f(pct(r.llm, 0.9)).padStart(10)} ${f(pct(r.model, 0.5)).padStart(10)} ${f(pct(r.overhead, 0.5)).padStart(14)} ${f(pct(r.overhead, 0.9)).padStart(13)}`,
    );
  }
  console.log('  target: median overhead ≤ 5 ms/step');

  console.log(
    `\n(2) throughput: ${CONCURRENT_RUNS} runs × ${THROUGHPUT_STEPS} offline steps dispatched at once through workflows.run; in-process worker, concurrency ${WORKER_CONCURRENCY}`,
  );
  console.log(
    '  backend     dispatch ms   wall s    runs/s   steps/s   latency p50 ms   p95 ms   queued p50/p95 ms   executing p50/p95 ms   completed  steps done',
  );
  for (const r of thr) {
    console.log(
      `  ${r.backend.padEnd(11)} ${f(r.dispatchMs, 0).padStart(11)} ${f(r.wallMs / 1000).padStart(8)} ${f(CONCURRENT_RUNS / (r.wallMs / 1000), 1).padStart(9)} ${f((CONCURRENT_RUNS * THROUGHPUT_STEPS) / (r.wallMs / 1000), 1).padStart(9)} ${f(pct(r.latencies, 0.5), 0).padStart(16)} ${f(pct(r.latencies, 0.95), 0).padStart(8)} ${`${f(pct(r.queueWait, 0.5), 0)} / ${f(pct(r.queueWait, 0.95), 0)}`.padStart(19)} ${`${f(pct(r.execution, 0.5), 0)} / ${f(pct(r.execution, 0.95), 0)}`.padStart(22)} ${`${r.completed}/${CONCURRENT_RUNS}`.padStart(11)} ${`${r.stepsCompleted}/${CONCURRENT_RUNS * THROUGHPUT_STEPS}`.padStart(11)}`,
    );
    for (const x of r.failures) console.log(`    not completed: ${x}`);
  }
  console.log(
    '  latency = workflows.run call → run.completed NOTIFY; wall = first workflows.run call → last run.completed;',
  );
  console.log(
    '  queued = run created → claimed by a worker, executing = claimed → finished (run row timestamps, ms resolution)',
  );
  console.log(`total ${elapsed().trim()}`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
