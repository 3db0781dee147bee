import type { CSSProperties } from 'react';
import type { ChatMessage, TurnView } from '../state.js';
import type { DiscussionMode, DiscussionParticipant } from '../discussions.js';
import { EmptyState } from '../../../ui/Feedback.js';
import { MessageBubble } from './MessageBubble.js';

interface TranscriptProps {
  mode: DiscussionMode;
  participants: readonly DiscussionParticipant[];
  consensusRounds: number;
  turns: readonly TurnView[];
}

type Fallbacks = ReadonlyMap<string, DiscussionParticipant>;

function Answers({ messages, fallbacks }: { messages: readonly ChatMessage[]; fallbacks: Fallbacks }) {
  return (
    <>
      {messages.map((m) => (
        <div key={m.id} className="msg-row">
          <MessageBubble m={m} fallback={m.participantKey ? fallbacks.get(m.participantKey) : undefined} />
        </div>
      ))}
    </>
  );
}

/** Parallel mode: one column per participant, all streaming at once. */
function Lanes({
  v,
  participants,
  fallbacks,
}: {
  v: TurnView;
  participants: readonly DiscussionParticipant[];
  fallbacks: Fallbacks;
}) {
  const answers = v.rounds.flatMap((r) => r.messages);
  const isActive = v.info?.status === 'running';
  const keys = [
    ...participants.map((p) => p.key),
    ...answers.flatMap((m) =>
      m.participantKey && !participants.some((p) => p.key === m.participantKey) ? [m.participantKey] : [],
    ),
  ];
  const lanes = keys
    .map((key) => ({
      key,
      name: fallbacks.get(key)?.name ?? key,
      messages: answers.filter((m) => m.participantKey === key),
    }))
    .filter((l) => l.messages.length || isActive);
  if (!lanes.length) return null;
  return (
    <div
      className="discussion-lanes"
      style={{ '--lanes': lanes.length } as CSSProperties}
      data-testid="lanes"
      role="group"
      aria-label={`Answers to turn ${v.turn}, side by side`}
    >
      {lanes.map((l) => (
        <div key={l.key} className={`discussion-lane lane-${l.key}`} data-testid="lane" data-lane={l.key}>
          {l.messages.length ? (
            l.messages.map((m) => <MessageBubble key={m.id} m={m} fallback={fallbacks.get(l.key)} />)
          ) : (
            <p className="muted small lane-waiting">{l.name}: waiting…</p>
          )}
        </div>
      ))}
    </div>
  );
}

function TurnStatus({ v }: { v: TurnView }) {
  const hasAnswers = v.rounds.some((r) => r.messages.length) || v.synthesis.length > 0;
  const status = v.info?.status;
  if (status === 'queued') {
    return (
      <p className="turn-note muted small" data-testid="turn-queued">
        Queued: the participants answer after the turn before it.
      </p>
    );
  }
  if (status === 'running' && !hasAnswers) {
    return (
      <p className="turn-note muted small" role="status">
        <span className="spinner" aria-hidden="true" /> Waiting for the first answer…
      </p>
    );
  }
  if (status === 'failed') {
    return (
      <p className="msg-marker msg-marker-failed" role="alert">
        This turn failed: {v.info?.error}
      </p>
    );
  }
  if (v.info?.isStopped) {
    return (
      <p className="turn-note muted small" data-testid="turn-stopped">
        Stopped{hasAnswers ? '' : ' before anyone answered'}.
      </p>
    );
  }
  return null;
}

function Turn({
  v,
  mode,
  participants,
  consensusRounds,
  fallbacks,
}: Omit<TranscriptProps, 'turns'> & { v: TurnView; fallbacks: Fallbacks }) {
  return (
    <section className="turn" data-testid="turn" data-turn={v.turn} aria-label={`Turn ${v.turn}`}>
      {v.user ? (
        <div className="msg-row msg-row-user">
          <MessageBubble m={v.user} />
        </div>
      ) : (
        <p className="turn-divider" role="separator">
          <span>Continued without a new message</span>
        </p>
      )}
      {mode === 'parallel' ? (
        <Lanes v={v} participants={participants} fallbacks={fallbacks} />
      ) : mode === 'consensus' ? (
        v.rounds.map((r) => (
          <div key={r.round} className="round">
            <p
              className="round-marker"
              role="separator"
              aria-label={`Round ${r.round} of ${consensusRounds}`}
              data-testid="round-marker"
              data-round={r.round}
            >
              <span>
                Round {r.round} <span className="muted">of {consensusRounds}</span>
              </span>
            </p>
            <Answers messages={r.messages} fallbacks={fallbacks} />
          </div>
        ))
      ) : (
        v.rounds.map((r) => <Answers key={r.round} messages={r.messages} fallbacks={fallbacks} />)
      )}
      {v.synthesis.map((m) => (
        <section key={m.id} className="synthesis-card" data-testid="synthesis-card" aria-label="Synthesis">
          <h3 className="synthesis-title">
            <span aria-hidden="true">◆</span> Synthesis
          </h3>
          <p className="muted small synthesis-hint">
            What the participants agree on, what remains disputed, and who holds which position.
          </p>
          <MessageBubble m={m} fallback={participants[0]} />
        </section>
      ))}
      <TurnStatus v={v} />
    </section>
  );
}

/** The conversation, turn by turn: lanes in parallel mode, rounds and a synthesis in consensus mode. */
export function ChatTranscript({ mode, participants, consensusRounds, turns }: TranscriptProps) {
  const fallbacks: Fallbacks = new Map(participants.map((p) => [p.key, p]));
  if (!turns.length) {
    return <EmptyState title="No messages yet">Write the first message below: the participants answer it.</EmptyState>;
  }
  return (
    <div className="transcript" data-testid="transcript" role="log" aria-label="Messages" aria-live="off">
      {turns.map((v) => (
        <Turn
          key={v.turn}
          v={v}
          mode={mode}
          participants={participants}
          consensusRounds={consensusRounds}
          fallbacks={fallbacks}
        />
      ))}
    </div>
  );
}
