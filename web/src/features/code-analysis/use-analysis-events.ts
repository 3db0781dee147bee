/**
 * Follows a code-analysis run over Server-Sent Events (see use-event-stream.ts). The state is
 * built only from frames, replayed from seq 0 when the page opens: coming back to a run shows
 * it where it is, never from its first stage.
 */
import { useReducer } from 'react';
import { isTerminalAnalysisEvent, zAnalysisEvent } from '../../../../src/shared/frames.js';
import { useEventStream, type Connection } from '../../lib/use-event-stream.js';
import { applyAnalysisFrame, initialAnalysis, type AnalysisEvent, type AnalysisFrame } from './state.js';

export type { Connection };

/** Every event type the stream sends (a record, so that none is forgotten). */
const eventTypes = Object.keys({
  stage: true,
  file: true,
  finding: true,
  pattern: true,
  doc: true,
  completed: true,
  failed: true,
  cancelled: true,
} satisfies Record<AnalysisEvent['type'], true>) as AnalysisEvent['type'][];

export function useAnalysisEvents({
  runId,
  workspaceId,
  onFrame,
}: {
  runId: string;
  workspaceId: string;
  onFrame?: (frame: AnalysisFrame) => void;
}) {
  const [state, dispatch] = useReducer(applyAnalysisFrame, undefined, initialAnalysis);
  const { connection } = useEventStream({
    url: `/api/v1/events/code-analysis/${encodeURIComponent(runId)}?tenant=${encodeURIComponent(workspaceId)}`,
    schema: zAnalysisEvent,
    eventTypes,
    onFrame: (frame) => {
      dispatch(frame);
      onFrame?.(frame);
    },
    isTerminal: (frame) => isTerminalAnalysisEvent(frame.type),
    reopenOnGap: true,
    retryMs: 3000,
  });
  return { state, connection };
}
