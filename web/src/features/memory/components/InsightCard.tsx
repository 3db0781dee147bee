import { useMutation } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { useState } from 'react';
import { can } from '../../../lib/access.js';
import { formatDate } from '../../../lib/format.js';
import { useTRPC } from '../../../lib/trpc.js';
import { InsightForm } from './InsightForm.js';
import { EmbeddingBadge, InsightChips, useRefreshMemory, type Insight } from './MemoryLabels.js';
import { PairControl } from './PairControl.js';
import { useToast } from '../../../ui/Toasts.js';
import { useWorkspace } from '../../../lib/workspace-context.js';

interface InsightCardProps {
  insight: Insight;
  projectName: string | null;
  model: string | undefined;
  /** Shows the title as a link to the insight's own page (off on that page, whose heading is the title). */
  isLinked?: boolean;
  /** The title's heading level: 3 where the card sits under a section heading. */
  headingLevel?: 2 | 3;
  testId?: string;
}

/** One insight for triage: labels, text, pairing, and Approve / Reject / Edit. */
export function InsightCard({
  insight: i,
  projectName,
  model,
  isLinked = true,
  headingLevel = 2,
  testId = 'insight-card',
}: InsightCardProps) {
  const trpc = useTRPC();
  const ws = useWorkspace();
  const toast = useToast();
  const refresh = useRefreshMemory();
  const [isEditing, setIsEditing] = useState(false);
  const canWrite = can(ws, 'memory:write');
  const onStatus = (verb: string) => async () => {
    toast.success(`Insight ${verb}`);
    await refresh();
  };
  const approve = useMutation(trpc.insights.approve.mutationOptions({ onSuccess: onStatus('approved') }));
  const reject = useMutation(trpc.insights.reject.mutationOptions({ onSuccess: onStatus('rejected') }));
  const isBusy = approve.isPending || reject.isPending;
  const isPairable = i.type === 'pain_point' || i.type === 'solution';
  const Heading = headingLevel === 3 ? 'h3' : 'h2';
  return (
    <article className={`card insight-card status-card-${i.status}`} data-testid={testId} data-status={i.status}>
      <div className="insight-head">
        <InsightChips type={i.type} severity={i.severity} status={i.status} category={i.category} />
        <span className="insight-meta muted small">
          {projectName ?? 'Unknown project'}
          {i.originStep ? ` · from step ${i.originStep}` : ''} · {formatDate(i.createdAt)} ·{' '}
          <EmbeddingBadge row={i} model={model} />
        </span>
      </div>
      {isEditing ? (
        <InsightForm insight={i} onDone={() => setIsEditing(false)} />
      ) : (
        <>
          {isLinked ? (
            <Heading className="insight-title">
              <Link
                to="/w/$workspaceId/memory/insights/$insightId"
                params={{ workspaceId: ws.id, insightId: i.id }}
                className="project-link"
              >
                {i.title}
              </Link>
            </Heading>
          ) : null}
          {i.detail ? <p className="insight-text">{i.detail}</p> : null}
          {i.suggestion ? (
            <p className="insight-text insight-suggestion">
              <span className="insight-label">Suggestion</span> {i.suggestion}
            </p>
          ) : null}
        </>
      )}
      {isPairable && !isEditing ? <PairControl insight={i} canWrite={canWrite} /> : null}
      {canWrite && !isEditing ? (
        <div className="insight-actions">
          {i.status !== 'approved' ? (
            <button
              type="button"
              className="btn btn-sm btn-approve"
              disabled={isBusy}
              onClick={() => approve.mutate({ id: i.id })}
            >
              Approve
            </button>
          ) : null}
          {i.status !== 'rejected' ? (
            <button
              type="button"
              className="btn btn-sm btn-danger-ghost"
              disabled={isBusy}
              onClick={() => reject.mutate({ id: i.id })}
            >
              Reject
            </button>
          ) : null}
          <button type="button" className="btn btn-sm btn-ghost" onClick={() => setIsEditing(true)}>
            Edit
          </button>
        </div>
      ) : null}
    </article>
  );
}
