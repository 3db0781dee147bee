/**
 * Follows a discussion over Server-Sent Events. The state is built only from frames,
 * replayed from seq 0 on load; the browser reconnects by itself with Last-Event-ID and
 * frames already applied (seq ≤ last) are ignored. A discussion's stream has no terminal
 * event: it stays open while the page is, and closes on unmount. Seqs are gap-free, so a
 * gap (a capped backfill, a lost frame) reopens the stream after the last applied seq.
 */
import { useEffect, useReducer, useRef, useState } from 'react';
import { zDiscussionEvent } from '../../../src/platform/events/frames.js';
import { applyDiscussionFrame, initialDiscussion, type DiscussionEvent, type DiscussionFrame, type LiveDiscussion } from './discussion-state.js';
import type { Connection } from './use-run-events.js';

export type { Connection };

/** Every event type the stream sends (named SSE events: `onmessage` never fires). */
const eventTypes: Record<DiscussionEvent['type'], true> = {
  'turn.queued': true,
  'turn.started': true,
  'round.started': true,
  'message.created': true,
  'message.delta': true,
  'message.completed': true,
  'message.failed': true,
  'turn.completed': true,
  'turn.failed': true,
};

/** After the browser gave up on a stream (an HTTP error), try again this much later. */
const REOPEN_MS = 5_000;

const reducer = (state: LiveDiscussion, frame: DiscussionFrame): LiveDiscussion => applyDiscussionFrame(state, frame);

function parseFrame(raw: string): DiscussionFrame | null {
  try {
    const json = JSON.parse(raw) as { seq?: unknown; at?: unknown; type?: unknown; data?: unknown };
    const event = zDiscussionEvent.safeParse({ type: json.type, data: json.data });
    if (!event.success || typeof json.seq !== 'number' || typeof json.at !== 'string') return null;
    return { ...event.data, seq: json.seq, at: json.at };
  } catch {
    return null;
  }
}

interface Options {
  discussionId: string;
  workspaceId: string;
  /** Called after each applied frame (e.g. to refetch when a turn completes). */
  onFrame?: (frame: DiscussionFrame) => void;
}

export function useDiscussionEvents({ discussionId, workspaceId, onFrame }: Options) {
  const [state, dispatch] = useReducer(reducer, undefined, initialDiscussion);
  const [connection, setConnection] = useState<Connection>('connecting');
  /** Bumped to open a new stream after the last applied seq. */
  const [generation, setGeneration] = useState(0);
  const lastSeq = useRef(0);
  const onFrameRef = useRef(onFrame);
  useEffect(() => {
    onFrameRef.current = onFrame;
  });

  useEffect(() => {
    const url = `/api/v1/events/discussions/${encodeURIComponent(discussionId)}?tenant=${encodeURIComponent(workspaceId)}&after=${lastSeq.current}`;
    const es = new EventSource(url, { withCredentials: true });
    let reopen: ReturnType<typeof setTimeout> | undefined;
    const restart = (delayMs: number) => {
      es.close();
      clearTimeout(reopen);
      reopen = setTimeout(() => setGeneration((g) => g + 1), delayMs);
    };
    setConnection('connecting');
    const onEvent = (ev: MessageEvent<string>) => {
      const frame = parseFrame(ev.data);
      if (!frame || frame.seq <= lastSeq.current) return;
      if (frame.seq > lastSeq.current + 1) {
        restart(0);
        return;
      }
      lastSeq.current = frame.seq;
      dispatch(frame);
      onFrameRef.current?.(frame);
    };
    for (const type of Object.keys(eventTypes)) es.addEventListener(type, onEvent);
    es.onopen = () => setConnection('live');
    es.onerror = () => {
      if (es.readyState !== EventSource.CLOSED) {
        setConnection('reconnecting');
        return;
      }
      // The browser gave up (e.g. the server answered with an error): keep trying while the page is open.
      setConnection('reconnecting');
      restart(REOPEN_MS);
    };
    return () => {
      clearTimeout(reopen);
      es.close();
    };
  }, [discussionId, workspaceId, generation]);

  return { state, connection };
}
