/**
 * The one builder of every live stream (workflows, discussions, code analysis).
 * Subscribe first, then backfill from the client's last seq, dropping duplicates by seq;
 * `safeEnqueue` writes only while open and `safeClose` closes once, so no timing of client
 * aborts, cancels and terminal events can hit "Controller is already closed".
 */
import type { ServerResponse } from 'node:http';
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response';
import type { Logger } from '../logger.js';
import type { EventListener } from './hub.js';
import type { StoredEvent } from './store.js';

export const HEARTBEAT_MS = 15_000;
/** Events per backfill read; the stream keeps reading until a page comes back short. */
export const BACKFILL_PAGE = 2_000;
/** Reconnect delay the browser's EventSource uses after a drop. */
const RETRY_MS = 1_500;
/**
 * A client this far behind (bytes queued for it) is disconnected instead of buffered
 * without bound; its EventSource reconnects with Last-Event-ID and catches up from the log.
 */
const MAX_QUEUED_BYTES = 4 * 1024 * 1024;

export interface SseOptions {
  /** The request's abort signal: a client disconnect cleans up (and never stops the run). */
  signal: AbortSignal;
  /** Last seq the client has (Last-Event-ID or ?after=); 0 for everything. */
  after: number;
  subscribe: (listener: EventListener) => () => void;
  /** Up to BACKFILL_PAGE events after `after`, in order. */
  backfill: (after: number) => Promise<StoredEvent[]>;
  isTerminal: (type: string) => boolean;
  /** What `backfill` returns at most per call (default BACKFILL_PAGE). */
  pageSize?: number;
  log: Logger;
  heartbeatMs?: number;
}

let openStreams = 0;
/** Streams currently open in this process (tests compare it with a baseline). */
export const openStreamCount = (): number => openStreams;

const clean = (s: string) => s.replace(/[\r\n]/g, ' ');
const encoder = new TextEncoder();

export function formatFrame(e: StoredEvent): string {
  return `id: ${e.seq}\nevent: ${clean(e.type)}\ndata: ${JSON.stringify({ seq: e.seq, type: e.type, at: e.at, data: e.data })}\n\n`;
}

/** The hub hands the same event objects to every subscriber: encode each once. */
const encoded = new WeakMap<StoredEvent, Uint8Array>();
function frameBytes(e: StoredEvent): Uint8Array {
  let bytes = encoded.get(e);
  if (!bytes) {
    bytes = encoder.encode(formatFrame(e));
    encoded.set(e, bytes);
  }
  return bytes;
}

function concat(parts: Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.byteLength;
  }
  return out;
}

/** Parses `Last-Event-ID` / `?after=`: a non-negative integer, anything else means "from the start". */
export function parseAfter(header: string | undefined, query: string | undefined): number {
  const raw = header ?? query;
  if (!raw || !/^\d{1,10}$/.test(raw.trim())) return 0;
  return Number(raw.trim());
}

export const sseHeaders = {
  'Content-Type': 'text/event-stream; charset=utf-8',
  'Cache-Control': 'no-cache, no-transform',
  'X-Accel-Buffering': 'no',
  Connection: 'keep-alive',
  // Written straight to the Node response, past the app's header middleware: the same hardening here.
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'same-origin',
  'X-Frame-Options': 'DENY',
} as const;

/** Where a stream's bytes go: the Node response itself, or a web ReadableStream. */
interface Sink {
  write(chunk: Uint8Array): void;
  end(): void;
  /** Bytes written but not yet taken by the client. */
  queuedBytes(): number;
}

/**
 * The stream's logic, whatever the sink: subscribe, backfill, merge by seq, heartbeat,
 * close once. Returns `cancel` for the sink's "client went away".
 */
function run(opts: SseOptions, sink: Sink): { cancel: () => void } {
  let isOpen = true;
  let lastSeq = opts.after;
  let lastType: string | null = null;
  /** Live events that arrive while the backfill is read; null once live. */
  let pending: StoredEvent[] | null = [];
  let unsubscribe: (() => void) | null = null;
  let heartbeat: NodeJS.Timeout | null = null;
  openStreams++;

  const cleanup = () => {
    if (!isOpen) return;
    isOpen = false;
    openStreams--;
    unsubscribe?.();
    unsubscribe = null;
    if (heartbeat) clearInterval(heartbeat);
    heartbeat = null;
    opts.signal.removeEventListener('abort', safeClose);
  };
  function safeClose() {
    if (!isOpen) return;
    cleanup();
    try {
      sink.end();
    } catch {
      // already closed or errored by the runtime: nothing left to do
    }
  }
  const safeEnqueue = (chunk: string | Uint8Array): boolean => {
    if (!isOpen) return false;
    try {
      sink.write(typeof chunk === 'string' ? encoder.encode(chunk) : chunk);
    } catch {
      cleanup();
      return false;
    }
    const queued = sink.queuedBytes();
    if (queued > MAX_QUEUED_BYTES) {
      opts.log.warn(
        { queuedBytes: queued },
        'sse: client too slow; disconnecting it (it resumes from its last event id)',
      );
      safeClose();
      return false;
    }
    return true;
  };
  const send = (events: readonly StoredEvent[]) => {
    const parts: Uint8Array[] = [];
    for (const e of events) {
      if (e.seq <= lastSeq) continue;
      lastSeq = e.seq;
      lastType = e.type;
      parts.push(frameBytes(e));
    }
    // One write per batch.
    if (parts.length) safeEnqueue(concat(parts));
  };
  const closeIfFinished = () => {
    if (lastType !== null && opts.isTerminal(lastType)) safeClose();
  };

  if (opts.signal.aborted) {
    safeClose();
    return { cancel: cleanup };
  }
  opts.signal.addEventListener('abort', safeClose);
  safeEnqueue(`retry: ${RETRY_MS}\n: connected\n\n`);
  unsubscribe = opts.subscribe((events) => {
    if (pending) pending.push(...events);
    else {
      send(events);
      closeIfFinished();
    }
  });
  heartbeat = setInterval(() => safeEnqueue(': heartbeat\n\n'), opts.heartbeatMs ?? HEARTBEAT_MS);
  heartbeat.unref();
  // The log is read in pages (readEvents returns at most BACKFILL_PAGE events at a time).
  const backfillAll = async (): Promise<void> => {
    for (let after = opts.after; isOpen;) {
      const page = await opts.backfill(after);
      send(page);
      if (page.length < (opts.pageSize ?? BACKFILL_PAGE)) return;
      after = page.at(-1)!.seq;
    }
  };
  backfillAll().then(
    () => {
      const live = pending ?? [];
      pending = null;
      send(live.sort((a, b) => a.seq - b.seq));
      closeIfFinished();
    },
    (err: unknown) => {
      opts.log.error({ err }, 'sse: backfill failed');
      safeEnqueue(
        `event: error\ndata: ${JSON.stringify({ message: 'Could not read the event log; reconnecting' })}\n\n`,
      );
      safeClose();
    },
  );
  return { cancel: cleanup };
}

/**
 * Builds the stream. On Node (`outgoing` given) frames are written straight to the socket's
 * response, skipping a web stream per client (that hop dominated fan-out to many clients);
 * elsewhere a ReadableStream carries them.
 * Example: `return sseResponse({ signal: c.req.raw.signal, after, subscribe, backfill, isTerminal, log }, c.env.outgoing)`.
 */
export function sseResponse(opts: SseOptions, outgoing?: ServerResponse): Response {
  if (outgoing) {
    outgoing.writeHead(200, sseHeaders);
    const stream = run(opts, {
      write: (chunk) => outgoing.write(chunk),
      end: () => outgoing.end(),
      queuedBytes: () => outgoing.writableLength,
    });
    outgoing.once('close', stream.cancel);
    return RESPONSE_ALREADY_SENT;
  }
  let stream: { cancel: () => void } | null = null;
  const body = new ReadableStream<Uint8Array>(
    {
      start(controller) {
        stream = run(opts, {
          write: (chunk) => controller.enqueue(chunk),
          end: () => controller.close(),
          queuedBytes: () => -Math.min(0, controller.desiredSize ?? 0),
        });
      },
      cancel() {
        stream?.cancel();
      },
    },
    { highWaterMark: 64 * 1024, size: (chunk) => chunk.byteLength },
  );
  return new Response(body, { headers: sseHeaders });
}

/** The Node response behind a Hono context when served by @hono/node-server (undefined elsewhere, e.g. `app.request`). */
export function nodeResponseOf(c: { env: unknown }): ServerResponse | undefined {
  return (c.env as { outgoing?: ServerResponse } | undefined)?.outgoing;
}
