/**
 * Follows a workflow run over Server-Sent Events. The state is built only from frames,
 * replayed from seq 0 on load; the browser reconnects by itself with Last-Event-ID and
 * frames already applied (seq ≤ last) are ignored. After a terminal event the stream is
 * closed; `follow()` opens a new one after the last seq (e.g. after "Retry from step N").
 */
import { useCallback, useEffect, useReducer, useRef, useState } from 'react';
import { isTerminalWorkflowEvent, zWorkflowEvent } from '../../../src/platform/events/frames.js';
import { applyFrame, initialRun, type Frame, type LiveRun, type WorkflowEvent } from './run-state.js';

/** Every event type the stream sends (named SSE events: `onmessage` never fires). */
const eventTypes: Record<WorkflowEvent['type'], true> = {
  'run.queued': true,
  'run.started': true,
  'step.started': true,
  'step.delta': true,
  'step.progress': true,
  'step.retrying': true,
  'step.completed': true,
  'step.failed': true,
  'run.completed': true,
  'run.failed': true,
  'run.cancelled': true,
};

export type Connection = 'connecting' | 'live' | 'reconnecting' | 'closed';

const reducer = (state: LiveRun, frame: Frame): LiveRun => applyFrame(state, frame);

function parseFrame(raw: string): Frame | null {
  try {
    const json = JSON.parse(raw) as { seq?: unknown; at?: unknown; type?: unknown; data?: unknown };
    const event = zWorkflowEvent.safeParse({ type: json.type, data: json.data });
    if (!event.success || typeof json.seq !== 'number' || typeof json.at !== 'string') return null;
    return { ...event.data, seq: json.seq, at: json.at };
  } catch {
    return null;
  }
}

interface Options {
  runId: string;
  workspaceId: string;
  /** Step names of the run's definition (the skeleton the events fill in). */
  stepNames: readonly string[];
  /** Called after each applied frame (e.g. to refetch when a step completes). */
  onFrame?: (frame: Frame) => void;
}

export function useRunEvents({ runId, workspaceId, stepNames, onFrame }: Options) {
  const [state, dispatch] = useReducer(reducer, stepNames, initialRun);
  const [connection, setConnection] = useState<Connection>('connecting');
  /** Bumped to open a new stream after the last one closed. */
  const [generation, setGeneration] = useState(0);
  const lastSeq = useRef(0);
  const onFrameRef = useRef(onFrame);
  useEffect(() => {
    onFrameRef.current = onFrame;
  });

  useEffect(() => {
    const url = `/api/v1/events/workflows/${encodeURIComponent(runId)}?tenant=${encodeURIComponent(workspaceId)}&after=${lastSeq.current}`;
    const es = new EventSource(url, { withCredentials: true });
    setConnection('connecting');
    const onEvent = (ev: MessageEvent<string>) => {
      const frame = parseFrame(ev.data);
      if (!frame || frame.seq <= lastSeq.current) return;
      lastSeq.current = frame.seq;
      dispatch(frame);
      onFrameRef.current?.(frame);
      if (isTerminalWorkflowEvent(frame.type)) {
        // The server ends the stream after a terminal event; without close() the browser would reconnect.
        es.close();
        setConnection('closed');
      }
    };
    for (const type of Object.keys(eventTypes)) es.addEventListener(type, onEvent);
    es.onopen = () => setConnection('live');
    es.onerror = () => setConnection(es.readyState === EventSource.CLOSED ? 'closed' : 'reconnecting');
    return () => es.close();
  }, [runId, workspaceId, generation]);

  const follow = useCallback(() => setGeneration((g) => g + 1), []);
  return { state, connection, follow };
}
