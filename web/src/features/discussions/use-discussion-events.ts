/**
 * Follows a discussion over Server-Sent Events (see use-event-stream.ts). The state is built
 * only from frames, replayed from seq 0 on load. A discussion's stream has no terminal event:
 * it stays open while the page is, and closes on unmount. Seqs are gap-free, so a gap (a capped
 * backfill, a lost frame) reopens the stream after the last applied seq; after the browser gave
 * up (an HTTP error) it is tried again every 5 s.
 */
import { useReducer } from 'react';
import { zDiscussionEvent } from '../../../../src/shared/frames.js';
import {
  applyDiscussionFrame,
  initialDiscussion,
  type DiscussionEvent,
  type DiscussionFrame,
  type LiveDiscussion,
} from './state.js';
import { useEventStream, type Connection } from '../../lib/use-event-stream.js';

export type { Connection };

/** Every event type the stream sends (a record, so that none is forgotten). */
const eventTypes = Object.keys({
  'turn.queued': true,
  'turn.started': true,
  'round.started': true,
  'message.created': true,
  'message.delta': true,
  'message.completed': true,
  'message.failed': true,
  'turn.completed': true,
  'turn.failed': true,
} satisfies Record<DiscussionEvent['type'], true>) as DiscussionEvent['type'][];

/** After the browser gave up on a stream (an HTTP error), try again this much later. */
const REOPEN_MS = 5_000;

const reducer = (state: LiveDiscussion, frame: DiscussionFrame): LiveDiscussion => applyDiscussionFrame(state, frame);

interface Options {
  discussionId: string;
  workspaceId: string;
  /** Called after each applied frame (e.g. to refetch when a turn completes). */
  onFrame?: (frame: DiscussionFrame) => void;
}

export function useDiscussionEvents({ discussionId, workspaceId, onFrame }: Options) {
  const [state, dispatch] = useReducer(reducer, undefined, initialDiscussion);
  const { connection } = useEventStream({
    url: `/api/v1/events/discussions/${encodeURIComponent(discussionId)}?tenant=${encodeURIComponent(workspaceId)}`,
    schema: zDiscussionEvent,
    eventTypes,
    onFrame: (frame) => {
      dispatch(frame);
      onFrame?.(frame);
    },
    reopenOnGap: true,
    retryMs: REOPEN_MS,
  });
  return { state, connection };
}
