import { SubmitButton } from '../../../ui/SubmitButton.js';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent, type KeyboardEvent } from 'react';
import { errorInfo, fieldError } from '../../../lib/errors.js';
import { useTRPC } from '../../../lib/trpc.js';
import { overLimit, TEXT_LIMITS } from '../../../../../src/shared/limits.js';

const isMac = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform);

/** The message box: Send (or Ctrl/Cmd+Enter). Usable while answers stream: the server queues the new turn. */
export function Composer({ discussionId, isGenerating }: { discussionId: string; isGenerating: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [content, setContent] = useState('');
  const send = useMutation(
    trpc.discussions.send.mutationOptions({
      meta: { inline: true },
      onSuccess: async () => {
        setContent('');
        await queryClient.invalidateQueries({ queryKey: trpc.discussions.get.queryKey({ id: discussionId }) });
      },
    }),
  );
  const tooLong = overLimit(content.trim(), TEXT_LIMITS.message);
  const submit = (e?: FormEvent) => {
    e?.preventDefault();
    if (!content.trim() || send.isPending || tooLong) return;
    send.mutate({ id: discussionId, content });
  };
  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      submit();
    }
  };
  const error =
    tooLong ?? (send.error ? (fieldError(send.error, 'content') ?? errorInfo(send.error).message) : undefined);
  return (
    <form className="composer" onSubmit={submit} aria-label="Send a message" data-testid="composer">
      <label htmlFor="composer-input" className="sr-only">
        Message
      </label>
      <textarea
        id="composer-input"
        className={`input composer-input${error ? ' invalid' : ''}`}
        rows={3}
        value={content}
        onChange={(e) => setContent(e.target.value)}
        onKeyDown={onKeyDown}
        placeholder={
          isGenerating ? 'Write the next message: it is answered after the current turn…' : 'Write a message…'
        }
        aria-describedby="composer-hint"
        aria-invalid={error ? true : undefined}
      />
      <div className="composer-bar">
        {error ? (
          <p className="field-error" role="alert" id="composer-hint">
            {error}
          </p>
        ) : (
          <p className="muted small" id="composer-hint">
            {isMac ? '⌘' : 'Ctrl'}+Enter sends
            {isGenerating ? ' · answers are still coming in; your message is queued' : ''}
          </p>
        )}
        <SubmitButton label="Send" busy={send.isPending} busyLabel="Sending…" disabled={!content.trim() || !!tooLong} />
      </div>
    </form>
  );
}
