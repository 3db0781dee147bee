import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useParams } from '@tanstack/react-router';
import { useEffect, useLayoutEffect, useMemo, useRef } from 'react';
import { ChatHeader } from '../components/ChatHeader.js';
import { ChatTranscript } from '../components/ChatTranscript.js';
import { Composer } from '../components/Composer.js';
import { UsageFooter } from '../components/UsageFooter.js';
import { EmptyState, Loading, LoadFailure } from '../../../ui/Feedback.js';
import { useWorkspace } from '../../../lib/workspace-context.js';
import { can } from '../../../lib/access.js';
import { groupTurns, mergeStored, openTurns, usageTotals, type DiscussionFrame } from '../state.js';
import type { Discussion } from '../discussions.js';
import { useTRPC } from '../../../lib/trpc.js';
import { useDiscussionEvents } from '../use-discussion-events.js';

/** Refetches the stored discussion (status, totals) when a turn is queued or ends, coalescing bursts (a replay sends many). */
function useRefetchOnFrames(id: string) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const timer = useRef<ReturnType<typeof setTimeout>>(undefined);
  const refetch = () => {
    timer.current = undefined;
    void queryClient.invalidateQueries({ queryKey: trpc.discussions.get.queryKey({ id }) });
    void queryClient.invalidateQueries({ queryKey: trpc.discussions.list.pathKey() });
  };
  const refetchRef = useRef(refetch);
  useEffect(() => {
    refetchRef.current = refetch;
  });
  // Leaving the page runs a pending refetch at once, so the list is not left stale.
  useEffect(
    () => () => {
      if (timer.current === undefined) return;
      clearTimeout(timer.current);
      refetchRef.current();
    },
    [],
  );
  return (frame: DiscussionFrame) => {
    if (frame.type !== 'turn.queued' && frame.type !== 'turn.completed' && frame.type !== 'turn.failed') return;
    clearTimeout(timer.current);
    timer.current = setTimeout(refetch, 200);
  };
}

/** Keeps the window scrolled to the end while the reader is there (new answers push the page down). */
function useStickToBottom(dep: unknown) {
  const isAtBottom = useRef(true);
  useEffect(() => {
    const onScroll = () => {
      isAtBottom.current = window.innerHeight + window.scrollY >= document.documentElement.scrollHeight - 120;
    };
    window.addEventListener('scroll', onScroll, { passive: true });
    return () => window.removeEventListener('scroll', onScroll);
  }, []);
  useLayoutEffect(() => {
    if (isAtBottom.current) window.scrollTo(0, document.documentElement.scrollHeight);
  }, [dep]);
}

function DiscussionView({ d }: { d: Discussion }) {
  const ws = useWorkspace();
  const onFrame = useRefetchOnFrames(d.id);
  const { state: live, connection } = useDiscussionEvents({ discussionId: d.id, workspaceId: ws.id, onFrame });
  const messages = useMemo(() => mergeStored(live.messages, d.messages), [live.messages, d.messages]);
  const turns = useMemo(() => groupTurns(messages, live.turns), [messages, live.turns]);
  const totals = useMemo(() => usageTotals(messages, d.participants), [messages, d.participants]);
  const isStreaming = messages.some((m) => m.status === 'streaming' || m.status === 'pending');
  const open = openTurns(live.turns, d.answeredTurns);
  // The stored status may be newer than the stream (just sent) or older (the turn just ended).
  const lastKnown = live.turns.find((t) => t.turn === d.turns);
  const isServerBusy =
    d.status !== 'idle' && !(lastKnown && (lastKnown.status === 'done' || lastKnown.status === 'failed'));
  const isGenerating = isStreaming || open.length > 0 || isServerBusy;
  const usedLanguage = live.turns.findLast((t) => t.language)?.language ?? null;
  const lastSize = messages.length + (messages.at(-1)?.content.length ?? 0);
  useStickToBottom(lastSize);
  return (
    <div className="page page-wide chat-page" data-testid="discussion" data-generating={isGenerating}>
      <ChatHeader
        d={d}
        connection={connection}
        isGenerating={isGenerating}
        hasMessages={messages.length > 0}
        usedLanguage={usedLanguage}
      />
      <ChatTranscript mode={d.mode} participants={d.participants} consensusRounds={d.consensusRounds} turns={turns} />
      {messages.length ? <UsageFooter rows={totals.rows} total={totals.total} /> : null}
      {can(ws, 'discussions:write') ? <Composer discussionId={d.id} isGenerating={isGenerating} /> : null}
    </div>
  );
}

/** `/w/$workspaceId/discussions/$discussionId`: the chat, followed live. */
export function DiscussionPage() {
  const trpc = useTRPC();
  const ws = useWorkspace();
  const { discussionId } = useParams({ from: '/w/$workspaceId/discussions/$discussionId' });
  const allowed = can(ws, 'discussions:read');
  const discussion = useQuery({ ...trpc.discussions.get.queryOptions({ id: discussionId }), enabled: allowed });
  if (!allowed) return <EmptyState title="You don't have access to discussions here." />;
  if (discussion.isPending) return <Loading />;
  if (discussion.isError) {
    return (
      <LoadFailure error={discussion.error} notFoundTitle="Discussion not found">
        <Link to="/w/$workspaceId/discussions" params={{ workspaceId: ws.id }}>
          Back to discussions
        </Link>
      </LoadFailure>
    );
  }
  return <DiscussionView key={discussion.data.id} d={discussion.data} />;
}
