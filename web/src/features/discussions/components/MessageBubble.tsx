import { useEffect, useRef, useState } from 'react';
import type { ChatMessage } from '../state.js';
import { providerLabel } from '../discussions.js';
import { formatDuration } from '../../workflows/workflows.js';
import { formatCost, formatTokens } from '../../../ui/LlmFormat.js';
import { Markdown } from '../../../ui/Markdown.js';

/** Copies `text` to the clipboard, saying "Copied" for a moment. */
export function CopyButton({ text, label }: { text: string; label: string }) {
  const [copied, setCopied] = useState(false);
  const timer = useRef<ReturnType<typeof setTimeout>>(undefined);
  useEffect(() => () => clearTimeout(timer.current), []);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setCopied(true);
      clearTimeout(timer.current);
      timer.current = setTimeout(() => setCopied(false), 2000);
    } catch {
      setCopied(false);
    }
  };
  return (
    <button
      type="button"
      className="btn btn-sm btn-ghost msg-copy"
      onClick={() => void copy()}
      aria-label={label}
      disabled={!text}
      data-testid="copy-message"
    >
      {copied ? 'Copied' : 'Copy'}
    </button>
  );
}

/** The text of an answer: Markdown once final, plain pre-wrapped text with a caret while it streams. */
function Body({ m }: { m: ChatMessage }) {
  if (m.status === 'streaming' || m.status === 'pending') {
    return (
      <div className="msg-plain" data-testid="message-text" aria-live="off">
        {m.content || <span className="muted">Thinking…</span>}
        <span className="caret" aria-hidden="true" />
      </div>
    );
  }
  if (!m.content.trim())
    return <p className="muted small msg-empty">{m.status === 'complete' ? 'An empty answer.' : 'No text.'}</p>;
  if (m.authorKind === 'user') {
    return (
      <div className="msg-plain" data-testid="message-text">
        {m.content}
      </div>
    );
  }
  return (
    <div data-testid="message-text">
      <Markdown source={m.content} />
    </div>
  );
}

function Usage({ m }: { m: ChatMessage }) {
  if (m.authorKind === 'user' || m.status !== 'complete') return null;
  return (
    <p className="msg-usage muted small">
      {formatTokens(m.tokensIn)} in · {formatTokens(m.tokensOut)} out · {formatCost(m.costUsd)}
      {m.latencyMs !== null ? ` · ${formatDuration(m.latencyMs)}` : null}
    </p>
  );
}

/** One message: the user's (right-aligned), a participant's, or the synthesis (in its card). */
export function MessageBubble({
  m,
  className = '',
  fallback,
}: {
  m: ChatMessage;
  className?: string;
  fallback?: { provider: string | null; model: string | null } | undefined;
}) {
  const lane = m.participantKey ?? 'user';
  const isUser = m.authorKind === 'user';
  const who = isUser ? `${m.authorName} (you)` : m.authorName;
  return (
    <article
      className={`msg msg-${m.authorKind} msg-${m.status} lane-${lane} ${className}`.trim()}
      data-testid="message"
      data-author-kind={m.authorKind}
      data-status={m.status}
      data-lane={lane}
      data-round={m.round}
      aria-label={`${isUser ? 'Your message' : `${m.authorName}`}${m.status === 'streaming' ? ' (writing…)' : ''}`}
      aria-busy={m.status === 'streaming' || undefined}
    >
      <header className="msg-head">
        <span className="msg-author" data-testid="message-author">
          {who}
        </span>
        {!isUser ? (
          <span className="msg-model muted small">
            {m.provider || m.model
              ? providerLabel(m.provider, m.model)
              : providerLabel(fallback?.provider ?? null, fallback?.model ?? null)}
          </span>
        ) : null}
        <CopyButton text={m.content} label={`Copy the message from ${m.authorName}`} />
      </header>
      <Body m={m} />
      {m.status === 'stopped' ? (
        <p className="msg-marker msg-marker-stopped" data-testid="message-stopped">
          Stopped
        </p>
      ) : null}
      {m.status === 'failed' ? (
        <p className="msg-marker msg-marker-failed" role="alert" data-testid="message-failed">
          Failed: {m.error ?? 'unknown error'}
        </p>
      ) : null}
      <Usage m={m} />
    </article>
  );
}
