import { useMutation, useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { useState, type FormEvent } from 'react';
import { fieldError } from '../../../lib/errors.js';
import { useTRPC } from '../../../lib/trpc.js';
import { Field } from '../../../ui/Field.js';
import { FormError } from '../../../ui/FormError.js';
import { typeLabel, useRefreshMemory, type Insight } from './MemoryLabels.js';
import { useToast } from '../../../ui/Toasts.js';
import { useWorkspace } from '../../../lib/workspace-context.js';

/** A pain point's solution (or a solution's pain point): shows the pairing, pairs, re-pairs, unpairs. */
export function PairControl({ insight, canWrite }: { insight: Insight; canWrite: boolean }) {
  const trpc = useTRPC();
  const ws = useWorkspace();
  const toast = useToast();
  const refresh = useRefreshMemory();
  const [isPicking, setIsPicking] = useState(false);
  const [choice, setChoice] = useState('');
  const opposite = insight.type === 'pain_point' ? 'solution' : 'pain_point';
  const partnerId = insight.pairedInsightId;
  const partner = useQuery({ ...trpc.insights.get.queryOptions({ id: partnerId ?? '' }), enabled: !!partnerId });
  const candidates = useQuery({
    ...trpc.insights.list.queryOptions({ projectId: insight.projectId, type: opposite, limit: 200 }),
    enabled: isPicking,
  });
  const pair = useMutation(
    trpc.insights.pair.mutationOptions({
      meta: { inline: true },
      onSuccess: async (i) => {
        toast.success(i.pairedInsightId ? 'Insights paired' : 'Pairing removed');
        setIsPicking(false);
        setChoice('');
        await refresh();
      },
    }),
  );
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (choice) pair.mutate({ id: insight.id, pairedWith: choice });
  };
  const pickId = `pair-${insight.id.slice(0, 8)}`;
  const options = (candidates.data ?? []).filter((c) => c.id !== partnerId);
  return (
    <div className="pairing" data-testid="pairing">
      {partnerId ? (
        <p className="pairing-line">
          <span className="muted">{insight.type === 'pain_point' ? 'Solved by' : 'Solves'}</span>{' '}
          <Link
            to="/w/$workspaceId/memory/insights/$insightId"
            params={{ workspaceId: ws.id, insightId: partnerId }}
            data-testid="paired-with"
          >
            {partner.data?.title ?? '…'}
          </Link>
          {partner.data ? <span className={`badge status-${partner.data.status}`}>{partner.data.status}</span> : null}
        </p>
      ) : (
        <p className="muted small pairing-line">
          {insight.type === 'pain_point' ? 'No solution paired yet.' : 'Not paired with a pain point yet.'}
        </p>
      )}
      {canWrite && !isPicking ? (
        <div className="row">
          <button type="button" className="btn btn-sm" onClick={() => setIsPicking(true)}>
            {partnerId ? 'Change pairing' : `Pair with a ${typeLabel(opposite).toLowerCase()}…`}
          </button>
          {partnerId ? (
            <button
              type="button"
              className="btn btn-sm btn-ghost"
              disabled={pair.isPending}
              onClick={() => pair.mutate({ id: insight.id, pairedWith: null })}
            >
              Unpair
            </button>
          ) : null}
        </div>
      ) : null}
      {isPicking ? (
        <form className="form form-inline pair-form" onSubmit={submit} noValidate>
          <FormError error={pair.error} />
          <Field
            label={`${typeLabel(opposite)} in this project`}
            htmlFor={pickId}
            error={fieldError(pair.error, 'pairedWith')}
          >
            <select id={pickId} className="input" value={choice} onChange={(e) => setChoice(e.target.value)}>
              <option value="">
                {candidates.isPending
                  ? 'Loading…'
                  : options.length
                    ? `Pick a ${typeLabel(opposite).toLowerCase()}…`
                    : `No ${typeLabel(opposite).toLowerCase()}s in this project`}
              </option>
              {options.map((c) => (
                <option key={c.id} value={c.id}>
                  {`${c.title} (${c.status}${c.pairedInsightId ? ', paired elsewhere' : ''})`}
                </option>
              ))}
            </select>
          </Field>
          <button type="submit" className="btn btn-primary btn-sm" disabled={!choice || pair.isPending}>
            Pair
          </button>
          <button type="button" className="btn btn-ghost btn-sm" onClick={() => setIsPicking(false)}>
            Cancel
          </button>
        </form>
      ) : null}
    </div>
  );
}
