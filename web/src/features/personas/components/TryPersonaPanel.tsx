import { SubmitButton } from '../../../ui/SubmitButton.js';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { errorCode, fieldError } from '../../../lib/errors.js';
import { useTRPC } from '../../../lib/trpc.js';
import { ErrorAlert } from '../../../ui/Feedback.js';
import { Field } from '../../../ui/Field.js';
import { formatCost, formatTokens } from '../../../ui/LlmFormat.js';
import { TextAreaField } from '../../../ui/TextField.js';

const failureTitle: Record<string, string> = {
  BAD_GATEWAY: 'No provider could answer',
  PAYMENT_REQUIRED: 'Monthly LLM budget reached',
};

/** Send one message to a persona and show the answer, who answered and what it cost. */
export function TryPersonaPanel({ personaId }: { personaId: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [message, setMessage] = useState('');
  const [provider, setProvider] = useState('');
  const providers = useQuery(trpc.llm.providers.queryOptions());
  const tryIt = useMutation(
    trpc.personas.try.mutationOptions({
      meta: { inline: true },
      // Every try (answered or not) counts as a use: refresh XP, usage and success rate.
      onSettled: async () => {
        await queryClient.invalidateQueries({ queryKey: trpc.personas.get.queryKey({ id: personaId }) });
        void queryClient.invalidateQueries({ queryKey: trpc.personas.list.pathKey() });
      },
    }),
  );
  const submit = (e: FormEvent) => {
    e.preventDefault();
    tryIt.mutate({ id: personaId, message, ...(provider ? { provider } : {}) });
  };
  const r = tryIt.data;
  const code = errorCode(tryIt.error);
  const messageError = fieldError(tryIt.error, 'message');
  return (
    <section className="card side-card" data-testid="try-panel">
      <h2>Try it</h2>
      <form className="form" onSubmit={submit} noValidate>
        <TextAreaField
          label="Message"
          id="try-message"
          error={messageError}
          rows={4}
          value={message}
          onChange={setMessage}
          placeholder="Ask this persona something…"
        />
        <Field label="Provider" htmlFor="try-provider" hint="Default follows the workspace's fallback order.">
          <select id="try-provider" className="input" value={provider} onChange={(e) => setProvider(e.target.value)}>
            <option value="">Default (fallback order)</option>
            {providers.data?.map((p) => (
              <option key={p.name} value={p.name}>
                {p.name} · {p.defaultModel}
              </option>
            ))}
          </select>
        </Field>
        <SubmitButton
          label="Send"
          busy={tryIt.isPending}
          busyLabel="Waiting for the answer…"
          disabled={!message.trim()}
        />
      </form>
      {tryIt.error && !messageError ? (
        <ErrorAlert>
          {code && failureTitle[code] ? <strong className="alert-title">{failureTitle[code]}</strong> : null}
          <span data-testid="try-error">{tryIt.error.message}</span>
        </ErrorAlert>
      ) : null}
      {r && !tryIt.isPending && !tryIt.error ? (
        <div className="answer-box" data-testid="try-result">
          <div className="answer-meta">
            {r.isOffline ? (
              <span
                className="badge badge-offline"
                data-testid="offline-badge"
                title="Built-in, free, extractive answers when no key works"
              >
                offline
              </span>
            ) : null}
            <span className="mono small" data-testid="try-model">
              {r.provider} · {r.model}
            </span>
          </div>
          <div className="answer" data-testid="try-answer">
            {r.text}
          </div>
          <div className="answer-meta muted small">
            <span>
              {formatTokens(r.tokensIn)} in · {formatTokens(r.tokensOut)} out
            </span>
            <span data-testid="try-cost">{formatCost(r.costUsd)}</span>
          </div>
        </div>
      ) : null}
    </section>
  );
}
