import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useParams } from '@tanstack/react-router';
import { useState } from 'react';
import { can } from '../../../lib/access.js';
import { fieldError } from '../../../lib/errors.js';
import { formatDateTime } from '../../../lib/format.js';
import { useTRPC, type RouterOutputs } from '../../../lib/trpc.js';
import { useWorkspace } from '../../../lib/workspace-context.js';
import { EmptyState, Loading, LoadFailure } from '../../../ui/Feedback.js';
import { Field } from '../../../ui/Field.js';
import { FormError } from '../../../ui/FormError.js';
import { Markdown } from '../../../ui/Markdown.js';
import { PageHeader } from '../../../ui/PageHeader.js';
import { useToast } from '../../../ui/Toasts.js';
import { AnalysisBreadcrumbs } from '../components/AnalysisBreadcrumbs.js';
import { FindingStatusChip, SeverityBadge } from '../components/AnalysisBadges.js';
import { CodeView } from '../components/CodeView.js';
import { IGNORE_REASONS, ignoreReasonLabels, locationsOf, triageOf, type IgnoreReason } from '../state.js';

type FindingDetail = RouterOutputs['findings']['get'];

/** CWE-79 → a link to MITRE's page for it. */
function CweLink({ cwe }: { cwe: string }) {
  const n = /(\d+)/.exec(cwe)?.[1];
  if (!n) return <span className="chip">{cwe}</span>;
  return (
    <a className="chip" href={`https://cwe.mitre.org/data/definitions/${n}.html`} target="_blank" rel="noreferrer">
      CWE-{n}
    </a>
  );
}

function IgnoreForm({ finding }: { finding: FindingDetail }) {
  const trpc = useTRPC();
  const toast = useToast();
  const queryClient = useQueryClient();
  const [reason, setReason] = useState<IgnoreReason | ''>('');
  const [note, setNote] = useState('');
  const refresh = () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: trpc.findings.get.queryKey({ id: finding.id }) }),
      queryClient.invalidateQueries({ queryKey: trpc.findings.list.pathKey() }),
    ]);
  const ignore = useMutation(
    trpc.findings.ignore.mutationOptions({
      onSuccess: async () => {
        toast.success('Finding ignored');
        await refresh();
      },
    }),
  );
  const unignore = useMutation(
    trpc.findings.unignore.mutationOptions({
      onSuccess: async (r) => {
        toast.success(`Finding ${r.status} again`);
        await refresh();
      },
    }),
  );
  if (finding.status === 'ignored') {
    return (
      <section className="card" data-testid="finding-ignored">
        <h2>Ignored</h2>
        <p>
          {finding.ignoreReason ? ignoreReasonLabels[finding.ignoreReason] : 'Ignored'}
          {finding.ignoredAt ? <span className="muted small"> · {formatDateTime(finding.ignoredAt)}</span> : null}
        </p>
        {finding.ignoreNote ? <p className="small">{finding.ignoreNote}</p> : null}
        <FormError error={unignore.error} />
        <button
          type="button"
          className="btn"
          disabled={unignore.isPending}
          onClick={() => unignore.mutate({ id: finding.id })}
          data-testid="finding-unignore"
        >
          Unignore
        </button>
      </section>
    );
  }
  return (
    <form
      className="card form"
      data-testid="finding-ignore-form"
      onSubmit={(e) => {
        e.preventDefault();
        ignore.mutate({ id: finding.id, reason: reason as IgnoreReason, note });
      }}
    >
      <h2>Ignore this finding</h2>
      <Field label="Reason" htmlFor="finding-ignore-reason" error={fieldError(ignore.error, 'reason')}>
        <select
          id="finding-ignore-reason"
          className="input"
          value={reason}
          onChange={(e) => setReason(e.target.value as IgnoreReason | '')}
          aria-invalid={!!fieldError(ignore.error, 'reason') || undefined}
        >
          <option value="">Choose a reason…</option>
          {IGNORE_REASONS.map((r) => (
            <option key={r} value={r}>
              {ignoreReasonLabels[r]}
            </option>
          ))}
        </select>
      </Field>
      <Field
        label="Note"
        htmlFor="finding-ignore-note"
        error={fieldError(ignore.error, 'note')}
        hint="Why, for whoever reads it next."
      >
        <textarea
          id="finding-ignore-note"
          className="input"
          rows={2}
          maxLength={2000}
          value={note}
          onChange={(e) => setNote(e.target.value)}
        />
      </Field>
      <FormError error={ignore.error} fields={['reason', 'note']} />
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" disabled={ignore.isPending} data-testid="finding-ignore">
          {ignore.isPending ? 'Ignoring…' : 'Ignore'}
        </button>
      </div>
    </form>
  );
}

function FindingView({ finding, projectId }: { finding: FindingDetail; projectId: string }) {
  const ws = useWorkspace();
  const related = locationsOf(finding.related);
  const flow = locationsOf(finding.codeFlow);
  const triage = triageOf(finding.triage);
  const rule = finding.rule;
  return (
    <div className="page page-wide">
      <AnalysisBreadcrumbs
        projectId={projectId}
        repositoryId={finding.repositoryId}
        trail={[
          <Link
            key="f"
            to="/w/$workspaceId/projects/$projectId/repositories/$repositoryId/findings"
            params={{ workspaceId: ws.id, projectId, repositoryId: finding.repositoryId }}
          >
            Findings
          </Link>,
          <span key="one">{finding.ruleId}</span>,
        ]}
      />
      <PageHeader
        title={<span data-testid="finding-message">{finding.message}</span>}
        description={
          <span className="mono">
            {finding.path}:{finding.startLine}
            {finding.endLine !== finding.startLine ? `–${finding.endLine}` : ''}
          </span>
        }
      />
      <div className="row finding-meta" data-testid="finding-meta">
        <SeverityBadge severity={finding.severity} />
        <FindingStatusChip status={finding.status} />
        <span className="chip">{finding.category}</span>
        <span className="chip">confidence: {finding.confidence}</span>
        <span className="chip">source: {finding.source}</span>
        {rule?.cwe.map((c) => (
          <CweLink key={c} cwe={c} />
        ))}
      </div>
      <section className="card">
        <h2>
          <span data-testid="finding-rule-name">{rule?.name ?? finding.ruleId}</span>{' '}
          <span className="mono small muted" data-testid="finding-rule-id">
            {finding.ruleId}
          </span>
        </h2>
        {rule?.summary ? <p className="muted">{rule.summary}</p> : null}
        <CodeView
          code={finding.snippet}
          path={finding.path}
          firstLine={finding.startLine}
          highlight={{ from: finding.startLine, to: finding.endLine }}
        />
      </section>
      {flow.length || related.length ? (
        <section className="card finding-locations" data-testid="finding-locations">
          {flow.length ? (
            <>
              <h3>Code flow</h3>
              <ol className="small">
                {flow.map((l, i) => (
                  <li key={i}>
                    <span className="mono">
                      {l.path}:{l.startLine}
                    </span>
                    {l.message ? ` — ${l.message}` : ''}
                  </li>
                ))}
              </ol>
            </>
          ) : null}
          {related.length ? (
            <>
              <h3>Related locations</h3>
              <ul className="small">
                {related.map((l, i) => (
                  <li key={i}>
                    <span className="mono">
                      {l.path}:{l.startLine}
                    </span>
                    {l.message ? ` — ${l.message}` : ''}
                  </li>
                ))}
              </ul>
            </>
          ) : null}
        </section>
      ) : null}
      {triage ? (
        <section className="card" data-testid="finding-triage">
          <h2>Triage</h2>
          <p>
            <strong>{triage.verdict.replace(/_/g, ' ')}</strong>
            {triage.score !== null ? ` · score ${triage.score}/10` : ''}
            {triage.model ? <span className="muted small"> · {triage.model}</span> : null}
          </p>
          {triage.reason ? <p>{triage.reason}</p> : null}
        </section>
      ) : null}
      {rule?.help ? (
        <section className="card">
          <h2>About this rule</h2>
          <Markdown source={rule.help} testId="finding-help" />
        </section>
      ) : null}
      {can(ws, 'analysis:write') ? <IgnoreForm finding={finding} /> : null}
    </div>
  );
}

/** `/w/$workspaceId/projects/$projectId/repositories/$repositoryId/findings/$findingId`: one finding. */
export function FindingPage() {
  const trpc = useTRPC();
  const ws = useWorkspace();
  const { projectId, repositoryId, findingId } = useParams({
    from: '/w/$workspaceId/projects/$projectId/repositories/$repositoryId/findings/$findingId',
  });
  const canRead = can(ws, 'analysis:read');
  const finding = useQuery({ ...trpc.findings.get.queryOptions({ id: findingId }), enabled: canRead });
  if (!canRead) return <EmptyState title="You don't have access to code analysis here." />;
  if (finding.isPending) return <Loading />;
  if (finding.isError || finding.data.repositoryId !== repositoryId) {
    return (
      <LoadFailure error={finding.error} notFoundTitle="Finding not found">
        <Link
          to="/w/$workspaceId/projects/$projectId/repositories/$repositoryId/findings"
          params={{ workspaceId: ws.id, projectId, repositoryId }}
        >
          Back to findings
        </Link>
      </LoadFailure>
    );
  }
  return <FindingView finding={finding.data} projectId={projectId} />;
}
