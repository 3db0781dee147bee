/**
 * Follows a workflow run over Server-Sent Events (see use-event-stream.ts). The state is built
 * only from frames, replayed from seq 0 on load. After a terminal event the stream is closed;
 * `follow()` opens a new one after the last seq (e.g. after "Retry from step N").
 */
import { useReducer } from 'react';
import { isTerminalWorkflowEvent, zWorkflowEvent } from '../../../../src/shared/frames.js';
import { applyFrame, initialRun, type Frame, type LiveRun, type WorkflowEvent } from './state.js';
import { useEventStream, type Connection } from '../../lib/use-event-stream.js';

export type { Connection };

/** Every event type the stream sends (a record, so that none is forgotten). */
const eventTypes = Object.keys({
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
} satisfies Record<WorkflowEvent['type'], true>) as WorkflowEvent['type'][];

const reducer = (state: LiveRun, frame: Frame): LiveRun => applyFrame(state, frame);

const isTerminal = (frame: Frame): boolean => isTerminalWorkflowEvent(frame.type);

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
  const { connection, reopen } = useEventStream({
    url: `/api/v1/events/workflows/${encodeURIComponent(runId)}?tenant=${encodeURIComponent(workspaceId)}`,
    schema: zWorkflowEvent,
    eventTypes,
    onFrame: (frame) => {
      dispatch(frame);
      onFrame?.(frame);
    },
    isTerminal,
  });
  return { state, connection, follow: reopen };
}
