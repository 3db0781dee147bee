/**
 * The Server-Sent Events plumbing shared by the run and discussion streams. Frames carry a
 * gap-free `seq` (the SSE id) and an `at` timestamp; the browser reconnects by itself with
 * Last-Event-ID and frames already applied (seq ≤ last) are ignored. A new stream (after
 * `reopen()`, a gap or a retry) starts after the last applied seq (`?after=<seq>`). The
 * stream closes on unmount, and on a terminal frame where the caller says which those are.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { ZodType } from 'zod';
import type { Frame } from '../../../src/shared/frames.js';

export type Connection = 'connecting' | 'live' | 'reconnecting' | 'closed';

type StreamEvent = { type: string; data: unknown };

/** One SSE payload as a frame: JSON `{ seq, at, type, data }` with the event validated by `schema`; null if malformed. */
export function parseFrame<E extends StreamEvent>(schema: ZodType<E>, raw: string): Frame<E> | null {
  try {
    const json = JSON.parse(raw) as { seq?: unknown; at?: unknown; type?: unknown; data?: unknown };
    const event = schema.safeParse({ type: json.type, data: json.data });
    if (!event.success || typeof json.seq !== 'number' || typeof json.at !== 'string') return null;
    return { ...event.data, seq: json.seq, at: json.at };
  } catch {
    return null;
  }
}

export interface EventStreamOptions<E extends StreamEvent> {
  /** The stream's address with its query string, without `after` (a new address opens a new stream). */
  url: string;
  /** Validates an event's `{ type, data }`. */
  schema: ZodType<E>;
  /** Every event type the stream sends (named SSE events: `onmessage` never fires). */
  eventTypes: readonly E['type'][];
  /** Called with each frame applied, in seq order. */
  onFrame: (frame: Frame<E>) => void;
  /** A frame after which the server ends the stream: it is closed (without close() the browser would reconnect). */
  isTerminal?: (frame: Frame<E>) => boolean;
  /** Seqs are gap-free: on a gap (a capped backfill, a lost frame) reopen after the last applied seq. */
  reopenOnGap?: boolean;
  /** After the browser gave up (e.g. an HTTP error), try again this much later; without it the connection stays closed. */
  retryMs?: number;
}

/** Follows one event stream; `reopen()` opens a new one after the last applied seq (e.g. after the last one closed). */
export function useEventStream<E extends StreamEvent>(options: EventStreamOptions<E>) {
  const [connection, setConnection] = useState<Connection>('connecting');
  /** Bumped to open a new stream after the last applied seq. */
  const [generation, setGeneration] = useState(0);
  const lastSeq = useRef(0);
  const optionsRef = useRef(options);
  useEffect(() => {
    optionsRef.current = options;
  });
  const { url } = options;

  useEffect(() => {
    const { schema, eventTypes, reopenOnGap, retryMs } = optionsRef.current;
    const es = new EventSource(`${url}${url.includes('?') ? '&' : '?'}after=${lastSeq.current}`, {
      withCredentials: true,
    });
    let reopen: ReturnType<typeof setTimeout> | undefined;
    const restart = (delayMs: number) => {
      es.close();
      clearTimeout(reopen);
      reopen = setTimeout(() => setGeneration((g) => g + 1), delayMs);
    };
    setConnection('connecting');
    const onEvent = (ev: MessageEvent<string>) => {
      const frame = parseFrame(schema, ev.data);
      if (!frame || frame.seq <= lastSeq.current) return;
      if (reopenOnGap && frame.seq > lastSeq.current + 1) {
        restart(0);
        return;
      }
      lastSeq.current = frame.seq;
      optionsRef.current.onFrame(frame);
      if (optionsRef.current.isTerminal?.(frame)) {
        es.close();
        setConnection('closed');
      }
    };
    for (const type of eventTypes) es.addEventListener(type, onEvent);
    es.onopen = () => setConnection('live');
    es.onerror = () => {
      if (es.readyState !== EventSource.CLOSED) {
        setConnection('reconnecting');
      } else if (retryMs === undefined) {
        setConnection('closed');
      } else {
        // The browser gave up: keep trying while the page is open.
        setConnection('reconnecting');
        restart(retryMs);
      }
    };
    return () => {
      clearTimeout(reopen);
      es.close();
    };
  }, [url, generation]);

  const reopen = useCallback(() => setGeneration((g) => g + 1), []);
  return { connection, reopen };
}
