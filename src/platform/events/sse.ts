/**
 * The one builder of every live stream (workflows, discussions, code analysis).
 * Subscribe first, then backfill from the client's last seq, dropping duplicates by seq;
 * `safeEnqueue` writes only while open and `safeClose` closes once, so no timing of client
 * aborts, cancels and terminal events can hit "Controller is already closed".
 */
import type { Logger } from '../logger.js';
import type { EventListener } from './hub.js';
import type { StoredEvent } from './store.js';

export const HEARTBEAT_MS = 15_000;
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
  backfill: (after: number) => Promise<StoredEvent[]>;
  isTerminal: (type: string) => boolean;
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
} as const;

/** Builds the streaming Response. Example: `return sseResponse({ signal: c.req.raw.signal, after, subscribe, backfill, isTerminal, log })`. */
export function sseResponse(opts: SseOptions): Response {
  let controller: ReadableStreamDefaultController<Uint8Array> | null = null;
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
    opts.signal.removeEventListener('abort', onAbort);
  };
  const safeEnqueue = (chunk: string | Uint8Array): boolean => {
    if (!isOpen || !controller) return false;
    try {
      controller.enqueue(typeof chunk === 'string' ? encoder.encode(chunk) : chunk);
    } catch {
      cleanup();
      return false;
    }
    if ((controller.desiredSize ?? 0) < -MAX_QUEUED_BYTES) {
      opts.log.warn({ queuedBytes: -(controller.desiredSize ?? 0) }, 'sse: client too slow; disconnecting it (it resumes from its last event id)');
      safeClose();
      return false;
    }
    return true;
  };
  const safeClose = () => {
    if (!isOpen) return;
    cleanup();
    try {
      controller?.close();
    } catch {
      // already closed or errored by the runtime: nothing left to do
    }
  };
  const onAbort = () => safeClose();
  const send = (events: readonly StoredEvent[]) => {
    const parts: Uint8Array[] = [];
    for (const e of events) {
      if (e.seq <= lastSeq) continue;
      lastSeq = e.seq;
      lastType = e.type;
      parts.push(frameBytes(e));
    }
    // One chunk per batch: each chunk costs a trip through the stream machinery.
    if (parts.length) safeEnqueue(concat(parts));
  };
  const closeIfFinished = () => {
    if (lastType !== null && opts.isTerminal(lastType)) safeClose();
  };

  const stream = new ReadableStream<Uint8Array>(
    {
    start(c) {
      controller = c;
      if (opts.signal.aborted) return safeClose();
      opts.signal.addEventListener('abort', onAbort);
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
      opts.backfill(opts.after).then(
        (events) => {
          send(events);
          const live = pending ?? [];
          pending = null;
          send(live.sort((a, b) => a.seq - b.seq));
          closeIfFinished();
        },
        (err: unknown) => {
          opts.log.error({ err }, 'sse: backfill failed');
          safeEnqueue(`event: error\ndata: ${JSON.stringify({ message: 'Could not read the event log; reconnecting' })}\n\n`);
          safeClose();
        },
      );
    },
    cancel() {
      cleanup();
    },
  },
    { highWaterMark: 64 * 1024, size: (chunk) => chunk.byteLength },
  );
  return new Response(stream, { headers: sseHeaders });
}
