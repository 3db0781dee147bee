/**
 * npm run bench:sse — fan-out of one workflow run's live stream to 1,000 concurrent subscribers.
 *
 *   tsx bench/sse.ts [postgres-url] [--clients=1000] [--steady-events=300] [--rate=20] [--burst-events=1000]
 *                    [--only=nyxcore|raw]
 *
 * Backend: PostgreSQL when a URL is given (argv) or NYXCORE_TEST_DATABASE_URL is set, else
 * PGlite in memory. A real nyxCore server (src/testing/harness.ts `startTestServer`, the in-process
 * worker turned off so nothing else writes to the run) gets a user, a workflow and one queued run.
 * A child process (this file with --sse-clients, so the client work does not share the server's
 * event loop) opens `--clients` streams to GET /api/v1/events/workflows/:runId with node:http
 * (an Agent with maxSockets = clients) and parses frames incrementally.
 *
 * Publishing: `step.delta` events with a ~60-byte text, each carrying its publish time
 * (`performance.timeOrigin + performance.now()`, a wall clock both processes share) in its data.
 * nyxCore: through `groupCommit` (src/platform/events/group-commit.ts), as a run's writer
 * stores its events: one `appendEvents` in its own `withTenant` transaction per write, and the
 * events published while a write is in flight go together into the next one; the event reaches
 * clients through COMMIT → NOTIFY → EventHub → `sseResponse`. nyxCore-1tx, the baseline before
 * group commit: one such transaction per event, each awaited before the next is published.
 * Raw baseline, in the SAME run: a minimal node:http SSE broadcaster on its own port (an array
 * of `res`; publish = one synchronous call that writes the same `id:/event:/data:` frame bytes
 * to each), no database, no auth, no hub.
 * !! nyxCore's publish includes a database transaction (advisory lock, max(seq), INSERT,
 * !! pg_notify, COMMIT) per event; the raw broadcaster's does not. The ratio is that whole path
 * !! against a bare socket write, not the cost of the SSE layer alone.
 * Both publishers run in the server's process (as the in-process worker of `nyxcore start` does),
 * so a nyxCore publish also waits for the fan-out of the previous event on the shared event loop
 * (its COMMIT reply queues behind the NOTIFY's delivery to every stream). Latency includes the one
 * client process reading all sockets in turn: the raw figures show that floor.
 *
 * Phases per system, same clients, event count, payload and pacing: warm-up (50 events at the
 * steady rate, not reported); steady (300 events at 20/s — the engine coalesces a lane's streamed
 * text for 50 ms, so 20 step.delta/s is a streaming step's rate — each publish starting on a fixed
 * schedule, or at once when the previous one ran late; each publish is awaited); burst (1,000
 * events back to back, yielding to the event loop with setImmediate between publishes so sockets
 * drain; the producer does not wait for commits, as an LLM stream does not, except nyxCore-1tx).
 * Steady shows latency at a realistic rate (delivered events/s is then bounded by the rate for
 * both); burst shows capacity.
 * Measured per phase: delivered events/s = frames received across all clients ÷ (last receipt −
 * first publish); publish→receive latency p50/p99/max over every frame; missing/out-of-order
 * frames per client (every client must see every seq once, in order). Figures only, no assertions;
 * target nyxCore/raw events/s ≥ 0.7. Prints `ulimit -n` (each side needs > clients descriptors).
 */
import { fork, execFileSync, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import os from 'node:os';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { prng } from './prng.js';

const args = process.argv.slice(2);
const flag = (name: string, dflt: number) => {
  const a = args.find((x) => x.startsWith(`--${name}=`));
  return a ? Number(a.slice(name.length + 3)) : dflt;
};
const CLIENTS = flag('clients', 1_000);
const STEADY_EVENTS = flag('steady-events', 300);
/** The engine coalesces streamed text for deltaFlushMs = 50 ms: at most 20 step.delta events/s per lane. */
const RATE = flag('rate', 20);
const BURST_EVENTS = flag('burst-events', 1_000);
const ONLY = args.find((a) => a.startsWith('--only='))?.slice('--only='.length) ?? null;
if (ONLY !== null && ONLY !== 'nyxcore' && ONLY !== 'raw') throw new Error('--only must be nyxcore or raw');
const WARMUP_EVENTS = 50;
/** How long clients may take to receive everything after the last publish before missing frames are counted. */
const DRAIN_TIMEOUT_MS = 20_000;
const OPEN_CONCURRENCY = 50;

const now = () => performance.timeOrigin + performance.now();
const t0 = performance.now();
const elapsed = () => `${((performance.now() - t0) / 1000).toFixed(0).padStart(4)}s`;
const progress = (msg: string) => console.log(`[${elapsed()}] ${msg}`);

// --- messages between the bench and its client process ------------------------------------------

type ToClients =
  | { type: 'open'; url: string; headers: Record<string, string>; count: number }
  | { type: 'phase'; first: number; last: number }
  | { type: 'report' }
  | { type: 'close' };

interface PhaseStats {
  /** Frames with a seq in the phase's range, across all clients. */
  received: number;
  expected: number;
  /** Clients that did not get every seq of the range / total seqs they lacked. */
  incompleteClients: number;
  missing: number;
  outOfOrder: number;
  firstReceipt: number;
  lastReceipt: number;
  p50: number;
  p99: number;
  max: number;
}

type FromClients =
  | { type: 'opened'; ok: number; failed: number; ms: number; errors: string[] }
  | { type: 'stats'; stats: PhaseStats; isComplete: boolean }
  | { type: 'closed' };

const percentile = (sorted: Float64Array, p: number) =>
  sorted.length ? (sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? NaN) : NaN;

// --- the client process ---------------------------------------------------------------------------

function clientProcess() {
  interface Client {
    req: http.ClientRequest;
    buf: string;
    last: number;
    count: number;
    outOfOrder: number;
  }
  const clients: Client[] = [];
  let phase = { first: 0, last: -1 };
  let latencies = new Float64Array(0);
  let n = 0;
  let received = 0;
  let doneClients = 0;
  let firstReceipt = 0;
  let lastReceipt = 0;
  let isReported = true;
  const send = (m: FromClients) => process.send?.(m);

  const stats = (): PhaseStats => {
    const sorted = latencies.slice(0, n).sort();
    const span = phase.last - phase.first + 1;
    let missing = 0;
    let incomplete = 0;
    for (const c of clients) {
      if (c.count < span) {
        incomplete++;
        missing += span - c.count;
      }
    }
    return {
      received,
      expected: span * clients.length,
      incompleteClients: incomplete,
      missing,
      outOfOrder: clients.reduce((a, c) => a + c.outOfOrder, 0),
      firstReceipt,
      lastReceipt,
      p50: percentile(sorted, 0.5),
      p99: percentile(sorted, 0.99),
      max: sorted.length ? (sorted[sorted.length - 1] ?? NaN) : NaN,
    };
  };

  const onFrames = (c: Client, chunk: string) => {
    const at = now();
    c.buf += chunk;
    let start = 0;
    for (let end = c.buf.indexOf('\n\n'); end !== -1; end = c.buf.indexOf('\n\n', start)) {
      const block = c.buf.slice(start, end);
      start = end + 2;
      const d = block.indexOf('data: ');
      if (d === -1 || (d > 0 && block[d - 1] !== '\n')) continue;
      const nl = block.indexOf('\n', d);
      const frame = JSON.parse(block.slice(d + 6, nl === -1 ? undefined : nl)) as {
        seq: number;
        data: { publishedAt?: number };
      };
      if (frame.seq < phase.first || frame.seq > phase.last) continue;
      if (frame.seq !== c.last + 1) c.outOfOrder++;
      if (frame.seq > c.last) c.last = frame.seq;
      c.count++;
      received++;
      if (!firstReceipt) firstReceipt = at;
      lastReceipt = at;
      if (frame.data.publishedAt !== undefined && n < latencies.length) latencies[n++] = at - frame.data.publishedAt;
      if (frame.seq === phase.last) doneClients++;
    }
    c.buf = c.buf.slice(start);
    if (!isReported && doneClients === clients.length) {
      isReported = true;
      send({ type: 'stats', stats: stats(), isComplete: true });
    }
  };

  const open = async (url: string, headers: Record<string, string>, count: number) => {
    const agent = new http.Agent({ keepAlive: false, maxSockets: count + 10 });
    const started = performance.now();
    const errors: string[] = [];
    let failed = 0;
    let next = 0;
    const openOne = () =>
      new Promise<void>((resolve) => {
        const c: Client = { req: null as unknown as http.ClientRequest, buf: '', last: 0, count: 0, outOfOrder: 0 };
        c.req = http.get(url, { agent, headers: { accept: 'text/event-stream', ...headers } }, (res) => {
          if (res.statusCode !== 200) {
            failed++;
            if (errors.length < 5) errors.push(`HTTP ${res.statusCode}`);
            res.resume();
            return resolve();
          }
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => onFrames(c, chunk));
          res.on('error', () => undefined);
          clients.push(c);
          resolve();
        });
        c.req.on('error', (err) => {
          if (!clients.includes(c)) {
            failed++;
            if (errors.length < 5) errors.push(err.message);
            resolve();
          }
        });
      });
    await Promise.all(
      Array.from({ length: OPEN_CONCURRENCY }, async () => {
        while (next < count) {
          next++;
          await openOne();
        }
      }),
    );
    send({ type: 'opened', ok: clients.length, failed, ms: performance.now() - started, errors });
  };

  process.on('message', (m: ToClients) => {
    if (m.type === 'open') void open(m.url, m.headers, m.count);
    else if (m.type === 'phase') {
      phase = { first: m.first, last: m.last };
      latencies = new Float64Array((m.last - m.first + 1) * clients.length);
      n = received = doneClients = firstReceipt = lastReceipt = 0;
      for (const c of clients) {
        c.last = m.first - 1;
        c.count = c.outOfOrder = 0;
      }
      isReported = false;
      send({ type: 'stats', stats: stats(), isComplete: false }); // ack: ready for the phase
    } else if (m.type === 'report') {
      if (isReported) return; // the "complete" stats are already on their way
      isReported = true;
      send({ type: 'stats', stats: stats(), isComplete: doneClients === clients.length });
    } else if (m.type === 'close') {
      for (const c of clients.splice(0)) c.req.destroy();
      send({ type: 'closed' });
    }
  });
  process.on('disconnect', () => process.exit(0));
}

// --- the bench -----------------------------------------------------------------------------------

class Clients {
  /** Pending answers, oldest first; a message of another type than the oldest expects is dropped (a late report). */
  private waiters: { expect: FromClients['type']; fn: (m: FromClients) => void }[] = [];
  constructor(readonly child: ChildProcess) {
    child.on('message', (m: FromClients) => {
      if (this.waiters[0]?.expect === m.type) this.waiters.shift()?.fn(m);
    });
  }
  request<T extends FromClients['type']>(
    m: ToClients,
    expect: T,
    timeoutMs = 120_000,
  ): Promise<Extract<FromClients, { type: T }>> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`client process: no "${expect}" within ${timeoutMs} ms`)),
        timeoutMs,
      );
      this.waiters.push({
        expect,
        fn: (r) => {
          clearTimeout(timer);
          resolve(r as Extract<FromClients, { type: T }>);
        },
      });
      this.child.send(m);
    });
  }
  /** Waits for the unsolicited "all clients complete" stats, or asks for them after `timeoutMs`. */
  awaitComplete(timeoutMs: number): Promise<Extract<FromClients, { type: 'stats' }>> {
    return new Promise((resolve) => {
      const waiter = {
        expect: 'stats' as const,
        fn: (r: FromClients) => {
          clearTimeout(timer);
          resolve(r as Extract<FromClients, { type: 'stats' }>);
        },
      };
      // Not complete in time: the answer to "report" settles it (the child sends one or the other, never both).
      const timer = setTimeout(() => this.child.send({ type: 'report' } satisfies ToClients), timeoutMs);
      this.waiters.push(waiter);
    });
  }
}

/** A ~60-byte line of lowercase words. */
function texts(count: number, seed: number): string[] {
  const rng = prng(seed);
  const words =
    'stream event token delta commit notify fan out hub client socket frame buffer latency step run worker queue'.split(
      ' ',
    );
  return Array.from({ length: count }, () => {
    let s = '';
    while (s.length < 56) s += `${words[Math.floor(rng() * words.length)]} `;
    return s.slice(0, 60);
  });
}

interface System {
  name: 'nyxCore' | 'nyxCore-1tx' | 'raw';
  /** Burst: await each publish before the next (a commit per event: the baseline before group commit). */
  isSerial?: boolean;
  url: string;
  headers: Record<string, string>;
  /** The next seq this system will give the next event. */
  nextSeq(): Promise<number>;
  publish(text: string, publishedAt: number): Promise<void>;
  /** Streams open on the server side (to confirm all clients are subscribed, and all are gone). */
  openStreams(): number;
}

interface PhaseResult {
  system: string;
  phase: 'steady' | 'burst';
  events: number;
  publishMs: number;
  publishP50: number;
  firstPublish: number;
  stats: PhaseStats;
}

async function runPhase(
  clients: Clients,
  sys: System,
  phase: 'warm-up' | 'steady' | 'burst',
  events: string[],
  rate: number | null,
): Promise<PhaseResult> {
  const first = await sys.nextSeq();
  await clients.request({ type: 'phase', first, last: first + events.length - 1 }, 'stats');
  const publishTimes: number[] = [];
  const started = performance.now();
  const firstPublish = now();
  const published: Promise<void>[] = [];
  for (const [i, text] of events.entries()) {
    if (rate !== null) {
      const wait = started + (i * 1000) / rate - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    } else if (i > 0) {
      await new Promise((r) => setImmediate(r));
    }
    const p = performance.now();
    const done = sys.publish(text, now()).then(() => void publishTimes.push(performance.now() - p));
    // Steady: each publish is awaited before the next is due. Burst: the producer goes on, as
    // an LLM stream does, and what it publishes during a commit is group-committed.
    if (rate !== null || sys.isSerial) await done;
    else published.push(done);
  }
  await Promise.all(published);
  const publishMs = performance.now() - started;
  const { stats } = await clients.awaitComplete(DRAIN_TIMEOUT_MS);
  publishTimes.sort((a, b) => a - b);
  return {
    system: sys.name,
    phase: phase === 'warm-up' ? 'steady' : phase,
    events: events.length,
    publishMs,
    publishP50: publishTimes[Math.floor(publishTimes.length / 2)] ?? NaN,
    firstPublish,
    stats,
  };
}

async function benchSystem(clients: Clients, sys: System): Promise<PhaseResult[]> {
  const baseline = sys.openStreams();
  progress(`${sys.name}: opening ${CLIENTS} streams`);
  const opened = await clients.request({ type: 'open', url: sys.url, headers: sys.headers, count: CLIENTS }, 'opened');
  progress(
    `${sys.name}: ${opened.ok} open, ${opened.failed} failed in ${(opened.ms / 1000).toFixed(1)} s${opened.errors.length ? ` (${opened.errors.join('; ')})` : ''}; server reports ${sys.openStreams() - baseline} streams`,
  );
  const results: PhaseResult[] = [];
  try {
    await runPhase(clients, sys, 'warm-up', texts(WARMUP_EVENTS, 1), RATE);
    progress(`${sys.name}: steady, ${STEADY_EVENTS} events at ${RATE}/s`);
    const steady = await runPhase(clients, sys, 'steady', texts(STEADY_EVENTS, 2), RATE);
    results.push(steady);
    progress(
      `${sys.name}: steady done (publishing took ${(steady.publishMs / 1000).toFixed(1)} s, ${steady.stats.missing} frames missing)`,
    );
    progress(`${sys.name}: burst, ${BURST_EVENTS} events back to back`);
    const burst = await runPhase(clients, sys, 'burst', texts(BURST_EVENTS, 3), null);
    results.push(burst);
    progress(
      `${sys.name}: burst done (publishing took ${(burst.publishMs / 1000).toFixed(1)} s, ${burst.stats.missing} frames missing)`,
    );
  } finally {
    await clients.request({ type: 'close' }, 'closed');
    const deadline = performance.now() + 10_000;
    while (sys.openStreams() > baseline && performance.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    progress(`${sys.name}: closed; ${sys.openStreams() - baseline} streams still open on the server`);
  }
  return results;
}

/** The baseline: a bare node:http SSE broadcaster. */
async function startRawBroadcaster() {
  const subscribers: http.ServerResponse[] = [];
  let seq = 0;
  const server = http.createServer((req, res) => {
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache, no-transform',
      Connection: 'keep-alive',
    });
    res.write(': connected\n\n');
    subscribers.push(res);
    req.on('close', () => {
      const i = subscribers.indexOf(res);
      if (i !== -1) subscribers.splice(i, 1);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const broadcast = (type: string, data: unknown) => {
    seq++;
    const frame = `id: ${seq}\nevent: ${type}\ndata: ${JSON.stringify({ seq, type, at: new Date().toISOString(), data })}\n\n`;
    for (const res of subscribers) res.write(frame);
  };
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/events`,
    broadcast,
    nextSeq: () => seq + 1,
    count: () => subscribers.length,
    close: () =>
      new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
}

function ulimit(): string {
  try {
    return execFileSync('sh', ['-c', 'ulimit -n'], { encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}

async function main() {
  const urlArg = args.find((a) => !a.startsWith('--'));
  if (urlArg) process.env.NYXCORE_TEST_DATABASE_URL = urlArg;
  const pgUrl = process.env.NYXCORE_TEST_DATABASE_URL;
  const kind = pgUrl ? 'postgres' : 'pglite';
  // Imported after the URL is in the environment: the harness reads it when it loads.
  const { startTestServer, newUser } = await import('../src/testing/harness.js');
  const { withTenant } = await import('../src/platform/db/tenant.js');
  const { appendEvents } = await import('../src/platform/events/store.js');
  const { groupCommit } = await import('../src/platform/events/group-commit.js');
  const { openStreamCount } = await import('../src/platform/events/sse.js');

  const limit = ulimit();
  progress(
    `backend: ${kind === 'postgres' ? `PostgreSQL (${new URL(pgUrl ?? '').host}${new URL(pgUrl ?? '').pathname})` : 'PGlite (in memory)'}; ${CLIENTS} clients; steady ${STEADY_EVENTS} events at ${RATE}/s, burst ${BURST_EVENTS} events`,
  );
  progress(
    `${os.cpus().length} CPUs, load average ${os
      .loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')} (other processes on the machine skew these figures)`,
  );
  progress(
    `ulimit -n: ${limit} (bench process: ${CLIENTS} server-side sockets; client process: ${CLIENTS} client sockets)`,
  );
  if (limit !== 'unlimited' && Number(limit) < CLIENTS + 200)
    progress(
      `WARNING: ulimit -n ${limit} is below ${CLIENTS + 200}; raise it (ulimit -n 4096) or streams will fail to open`,
    );

  const child = fork(fileURLToPath(import.meta.url), ['--sse-clients'], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const clients = new Clients(child);
  const server = await startTestServer(kind, { NYXCORE_WORKER: 'off' });
  const raw = await startRawBroadcaster();
  const results: PhaseResult[] = [];
  try {
    const user = await newUser(server);
    const wf = await user.client.trpc.workflows.create.mutate({
      name: 'SSE bench',
      steps: [{ name: 'Only', prompt: 'Summarise {{input}}' }],
    });
    // The worker is off: the run stays queued, so no terminal event closes the streams.
    const run = await user.client.trpc.workflows.run.mutate({ workflowId: wf.id, input: 'fan-out benchmark' });
    const ref = { kind: 'workflow' as const, id: run.id, tenantId: user.tenantId };
    const scope = { tenantId: user.tenantId, userId: user.userId };
    progress(`server ${server.url}, run ${run.id}; raw broadcaster ${raw.url}`);

    // As a run's writer stores its events: one transaction per write, and what is published
    // while one is in flight goes into the next (group commit).
    const writer = groupCommit<{ type: string; data: unknown }>(async (batch) => {
      await withTenant(server.database, scope, (tx) => appendEvents(tx, ref, batch));
    });
    const nyx: System = {
      name: 'nyxCore',
      url: `${server.url}/api/v1/events/workflows/${run.id}`,
      headers: user.client.headers(),
      nextSeq: async () => (await user.client.trpc.runs.get.query({ id: run.id })).lastSeq + 1,
      publish: (text, publishedAt) =>
        writer.push({ type: 'step.delta', data: { step: 0, lane: null, text, publishedAt } }),
      openStreams: () => openStreamCount(),
    };
    const serial: System = {
      ...nyx,
      name: 'nyxCore-1tx',
      publish: (text, publishedAt) =>
        withTenant(server.database, scope, async (tx) => {
          await appendEvents(tx, ref, [{ type: 'step.delta', data: { step: 0, lane: null, text, publishedAt } }]);
        }),
      isSerial: true,
    };
    const rawSys: System = {
      name: 'raw',
      url: raw.url,
      headers: {},
      nextSeq: () => Promise.resolve(raw.nextSeq()),
      publish: (text, publishedAt) => {
        raw.broadcast('step.delta', { step: 0, lane: null, text, publishedAt });
        return Promise.resolve();
      },
      openStreams: () => raw.count(),
    };
    if (ONLY !== 'raw') {
      results.push(...(await benchSystem(clients, nyx)));
      progress(`hub listeners after close: ${server.deps.hub.listenerCount}`);
      if (!ONLY) results.push(...(await benchSystem(clients, serial)));
    }
    if (ONLY !== 'nyxcore') results.push(...(await benchSystem(clients, rawSys)));
  } finally {
    child.disconnect();
    await raw.close();
    await server.close();
  }

  report(kind, results);
  progress('done');
}

function report(kind: string, results: PhaseResult[]) {
  const rows = results.map((r) => {
    const wallMs = r.stats.lastReceipt - r.firstPublish;
    return { ...r, wallMs, perSec: r.stats.received / (wallMs / 1000) };
  });
  const f = (x: number, d = 1) => (Number.isFinite(x) ? x.toFixed(d) : '—');
  console.log(
    `\nsummary (${kind === 'postgres' ? 'PostgreSQL' : 'PGlite'}; ${CLIENTS} clients on one run; step.delta events with ~60-byte text: steady ${STEADY_EVENTS} at ${RATE}/s, burst ${BURST_EVENTS} back to back)`,
  );
  console.log(
    '  nyxCore publish = group commit: withTenant + appendEvents (DB transaction, INSERT, NOTIFY, COMMIT) per write, events published during a write go in the next; nyxCore-1tx = one such transaction per event, awaited (before group commit); raw publish = one in-memory write loop, no DB.',
  );
  console.log(
    '  phase   system       publish s  pub p50 ms  frames recv  missing (clients)  out-of-order  wall s   delivered ev/s  latency p50 ms  p99 ms   max ms',
  );
  for (const r of rows) {
    console.log(
      `  ${r.phase.padEnd(7)} ${r.system.padEnd(11)} ${f(r.publishMs / 1000, 2).padStart(10)} ${f(r.publishP50, 3).padStart(11)} ${String(r.stats.received).padStart(12)} ${`${r.stats.missing} (${r.stats.incompleteClients})`.padStart(18)} ${String(r.stats.outOfOrder).padStart(13)} ${f(r.wallMs / 1000, 2).padStart(7)} ${f(r.perSec, 0).padStart(16)} ${f(r.stats.p50, 2).padStart(15)} ${f(r.stats.p99, 2).padStart(7)} ${f(r.stats.max, 1).padStart(8)}`,
    );
  }
  for (const [phase, system] of [
    ['steady', 'nyxCore'],
    ['burst', 'nyxCore'],
    ['burst', 'nyxCore-1tx'],
  ] as const) {
    const n = rows.find((r) => r.system === system && r.phase === phase);
    const w = rows.find((r) => r.system === 'raw' && r.phase === phase);
    if (!n || !w) continue;
    console.log(
      `  ratio ${system}/raw, ${phase.padEnd(6)}: delivered events/s ${f(n.perSec / w.perSec, 3)} (target ≥ 0.7); latency p50 ${f(n.stats.p50 / w.stats.p50, 1)}× (${f(n.stats.p50, 2)} vs ${f(w.stats.p50, 2)} ms), p99 ${f(n.stats.p99 / w.stats.p99, 1)}× (${f(n.stats.p99, 2)} vs ${f(w.stats.p99, 2)} ms)`,
    );
  }
  const missing = rows.reduce((a, r) => a + r.stats.missing, 0);
  console.log(
    `  ${missing ? `MISSING FRAMES: ${missing}` : 'every client received every event, once and in order'}${rows.some((r) => r.stats.outOfOrder) ? ' (out-of-order frames seen)' : ''}`,
  );
  console.log(
    `  latency includes the one client process reading ${CLIENTS} sockets in turn (the raw figures show that floor); load average at the end ${os
      .loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')}`,
  );
  console.log(`total ${elapsed().trim()}`);
}

if (process.argv.includes('--sse-clients')) {
  clientProcess();
} else {
  main().then(
    () => process.exit(0),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
