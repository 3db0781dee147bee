import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { fieldError } from '../../../lib/errors.js';
import { useTRPC, type RouterOutputs } from '../../../lib/trpc.js';
import { ErrorAlert } from '../../../ui/Feedback.js';
import { useRefreshProviders } from './ProviderKeysPanel.js';
import { useToast } from '../../../ui/Toasts.js';

type Settings = RouterOutputs['llm']['settings']['get'];

export const OFFLINE_HINT = 'offline is built-in: free, extractive answers (quotes from your input) when no key works.';

/** The effective chain, read-only (members). */
export function ChainView({ chain }: { chain: readonly string[] }) {
  return (
    <ol className="chain-list" data-testid="chain-view">
      {chain.map((name, i) => (
        <li key={name} className="chain-item">
          <span className="chain-pos">{i + 1}</span>
          <span className="mono">{name}</span>
          {name === 'offline' ? <span className="badge badge-offline">built-in · free</span> : null}
        </li>
      ))}
    </ol>
  );
}

/** Admins: reorder, remove and add providers in the fallback order. Remount (key) when the server's chain changes. */
export function FallbackChainPanel({ settings }: { settings: Settings }) {
  const trpc = useTRPC();
  const toast = useToast();
  const refresh = useRefreshProviders();
  const [chain, setChain] = useState<string[]>(settings.effectiveChain);
  const [toAdd, setToAdd] = useState('');
  const save = useMutation(
    trpc.llm.settings.update.mutationOptions({
      meta: { inline: true },
      onSuccess: async () => {
        toast.success('Fallback order saved');
        await refresh();
      },
    }),
  );
  const addable = settings.available.filter((n) => !chain.includes(n));
  const isDirty = chain.join('\n') !== settings.effectiveChain.join('\n');
  const move = (i: number, by: -1 | 1) =>
    setChain((cur) => {
      const next = [...cur];
      const [item] = next.splice(i, 1);
      if (item !== undefined) next.splice(i + by, 0, item);
      return next;
    });
  const add = () => {
    const name = toAdd || addable[0];
    if (name) setChain((cur) => [...cur, name]);
    setToAdd('');
  };
  const error = fieldError(save.error, 'fallbackChain');
  return (
    <section className="card form" data-testid="fallback-panel">
      <div>
        <h2>Fallback order</h2>
        <p className="muted small">
          Calls try these providers top to bottom until one answers.{' '}
          {settings.fallbackChain.length ? 'Custom order.' : 'Default order: providers as added, then offline.'}
        </p>
      </div>
      {chain.length === 0 ? <p className="muted small">Empty: saving restores the default order.</p> : null}
      <ol className="chain-list">
        {chain.map((name, i) => (
          <li key={name} className="chain-item" data-testid="chain-item">
            <span className="chain-pos">{i + 1}</span>
            <span className="mono chain-name">{name}</span>
            {name === 'offline' ? <span className="badge badge-offline">built-in · free</span> : null}
            {!settings.available.includes(name) ? <span className="badge badge-revoked">not configured</span> : null}
            <span className="chain-actions">
              <button
                type="button"
                className="btn btn-sm btn-ghost"
                aria-label={`Move ${name} up`}
                disabled={i === 0}
                onClick={() => move(i, -1)}
              >
                ↑
              </button>
              <button
                type="button"
                className="btn btn-sm btn-ghost"
                aria-label={`Move ${name} down`}
                disabled={i === chain.length - 1}
                onClick={() => move(i, 1)}
              >
                ↓
              </button>
              <button
                type="button"
                className="btn btn-sm btn-danger-ghost"
                aria-label={`Remove ${name} from the order`}
                onClick={() => setChain((cur) => cur.filter((n) => n !== name))}
              >
                Remove
              </button>
            </span>
          </li>
        ))}
      </ol>
      {addable.length > 0 ? (
        <div className="row">
          <label htmlFor="chain-add" className="sr-only">
            Provider to add
          </label>
          <select
            id="chain-add"
            className="input input-sm"
            value={toAdd || addable[0]}
            onChange={(e) => setToAdd(e.target.value)}
          >
            {addable.map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
          <button type="button" className="btn btn-sm" onClick={add}>
            Add to order
          </button>
        </div>
      ) : null}
      {error ? (
        <p className="field-error" role="alert">
          {error}
        </p>
      ) : (
        <ErrorAlert error={save.error} />
      )}
      <p className="muted small">{OFFLINE_HINT}</p>
      <div className="form-actions">
        <button
          type="button"
          className="btn btn-primary"
          disabled={save.isPending || !isDirty}
          onClick={() => save.mutate({ fallbackChain: chain })}
        >
          {save.isPending ? 'Saving…' : 'Save order'}
        </button>
        {isDirty ? (
          <button type="button" className="btn btn-ghost" onClick={() => setChain(settings.effectiveChain)}>
            Discard changes
          </button>
        ) : null}
        {settings.fallbackChain.length ? (
          <button
            type="button"
            className="btn btn-ghost"
            disabled={save.isPending}
            onClick={() => save.mutate({ fallbackChain: [] })}
          >
            Reset to default
          </button>
        ) : null}
      </div>
    </section>
  );
}
