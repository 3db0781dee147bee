import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Link, useNavigate, useParams, useSearch } from '@tanstack/react-router';
import { useEffect, useState } from 'react';
import { can } from '../../../lib/access.js';
import { useDebounced } from '../../../lib/use-debounced.js';
import { useTRPC, type RouterInputs } from '../../../lib/trpc.js';
import { useWorkspace } from '../../../lib/workspace-context.js';
import { EmptyState } from '../../../ui/Feedback.js';
import { PageHeader } from '../../../ui/PageHeader.js';
import { QueryStatus } from '../../../ui/QueryStatus.js';
import { AnalysisBreadcrumbs } from '../components/AnalysisBreadcrumbs.js';
import { FindingStatusChip, SeverityBadge } from '../components/AnalysisBadges.js';
import {
  CATEGORIES,
  FINDING_STATUSES,
  SEVERITY_ORDER,
  facetCounts,
  findingsSearch,
  groupFindings,
  type Grouping,
} from '../state.js';

const PAGE = 50;

type ListInput = RouterInputs['findings']['list'];

/** A `<select>` of a facet's values with their counts. */
function FacetSelect({
  id,
  label,
  value,
  onChange,
  counts,
}: {
  id: string;
  label: string;
  value: string;
  onChange: (v: string) => void;
  counts: Array<{ value: string; n: number }>;
}) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select id={id} className="input" value={value} onChange={(e) => onChange(e.target.value)}>
        <option value="">Any</option>
        {counts.map((c) => (
          <option key={c.value} value={c.value}>
            {c.value} ({c.n})
          </option>
        ))}
      </select>
    </div>
  );
}

/** `/w/$workspaceId/projects/$projectId/repositories/$repositoryId/findings`: a repository's findings. */
export function FindingsPage() {
  const trpc = useTRPC();
  const ws = useWorkspace();
  const { projectId, repositoryId } = useParams({
    from: '/w/$workspaceId/projects/$projectId/repositories/$repositoryId/findings',
  });
  const search = useSearch({ from: '/w/$workspaceId/projects/$projectId/repositories/$repositoryId/findings' });
  const navigate = useNavigate({ from: '/w/$workspaceId/projects/$projectId/repositories/$repositoryId/findings' });
  const [path, setPath] = useState(search.path ?? '');
  const [ruleId, setRuleId] = useState(search.rule ?? '');
  const grouping: Grouping = search.group ?? 'none';
  const offset = ((search.page ?? 1) - 1) * PAGE;
  /** Changes filters in the address (replacing the entry) and goes back to the first page. */
  const update = (patch: Record<string, string | undefined>) =>
    void navigate({
      search: (prev) => findingsSearch({ ...prev, page: undefined, ...patch }),
      replace: true,
    });
  const debouncedPath = useDebounced(path.trim(), 250);
  const debouncedRule = useDebounced(ruleId.trim(), 250);
  useEffect(() => {
    if (debouncedPath !== (search.path ?? '') || debouncedRule !== (search.rule ?? ''))
      update({ path: debouncedPath || undefined, rule: debouncedRule || undefined });
    // Only the debounced text drives this (the address follows typing once it pauses).
  }, [debouncedPath, debouncedRule]);
  const input: ListInput = {
    repositoryId,
    limit: PAGE,
    offset,
    ...(search.category ? { category: search.category } : {}),
    ...(search.severity ? { severity: search.severity } : {}),
    ...(search.status ? { status: search.status } : {}),
    ...(search.path ? { path: search.path } : {}),
    ...(search.rule ? { ruleId: search.rule } : {}),
  };
  const list = useQuery({
    ...trpc.findings.list.queryOptions(input),
    placeholderData: keepPreviousData,
    enabled: can(ws, 'analysis:read'),
  });
  const runs = useQuery(trpc.analysis.list.queryOptions({ repositoryId, limit: 1 }));
  const last = runs.data?.[0];
  const facets = list.data?.facets ?? [];
  const total = list.data?.total ?? 0;
  const groups = groupFindings(list.data?.items ?? [], grouping);
  if (!can(ws, 'analysis:read')) return <EmptyState title="You don't have access to code analysis here." />;
  return (
    <div className="page page-wide">
      <AnalysisBreadcrumbs projectId={projectId} repositoryId={repositoryId} trail={[<span key="f">Findings</span>]} />
      <PageHeader title="Findings" description="What the analyzers found, most severe first.">
        {last ? (
          <Link
            to="/w/$workspaceId/projects/$projectId/repositories/$repositoryId/analysis/$runId"
            params={{ workspaceId: ws.id, projectId, repositoryId, runId: last.id }}
            className="btn"
            data-testid="findings-last-run"
          >
            Last run ({last.status})
          </Link>
        ) : null}
      </PageHeader>
      <div className="card filters findings-filters">
        <FacetSelect
          id="findings-severity"
          label="Severity"
          value={search.severity ?? ''}
          onChange={(v) => update({ severity: v || undefined })}
          counts={facetCounts(facets, 'severity', SEVERITY_ORDER)}
        />
        <FacetSelect
          id="findings-category"
          label="Category"
          value={search.category ?? ''}
          onChange={(v) => update({ category: v || undefined })}
          counts={facetCounts(facets, 'category', CATEGORIES)}
        />
        <FacetSelect
          id="findings-status"
          label="Status"
          value={search.status ?? ''}
          onChange={(v) => update({ status: v || undefined })}
          counts={facetCounts(facets, 'status', FINDING_STATUSES)}
        />
        <div className="field">
          <label htmlFor="findings-path">File or folder</label>
          <input
            id="findings-path"
            className="input"
            value={path}
            placeholder="src/"
            onChange={(e) => setPath(e.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor="findings-rule">Rule</label>
          <input
            id="findings-rule"
            className="input"
            value={ruleId}
            placeholder="rule id"
            onChange={(e) => setRuleId(e.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor="findings-group">Group by</label>
          <select
            id="findings-group"
            className="input"
            value={grouping}
            onChange={(e) => update({ group: e.target.value === 'none' ? undefined : e.target.value })}
          >
            <option value="none">Nothing</option>
            <option value="rule">Rule</option>
            <option value="file">File</option>
          </select>
        </div>
      </div>
      <QueryStatus query={list} />
      {list.data && total === 0 ? (
        <EmptyState title="No findings">
          {last ? 'Nothing matches these filters.' : 'Analyse the repository to see its findings.'}
        </EmptyState>
      ) : null}
      {list.data && total > 0 ? (
        <>
          <p className="muted small" data-testid="findings-total">
            {total} finding{total === 1 ? '' : 's'}
          </p>
          <div className="table-wrap card">
            <table className="table" data-testid="findings-table">
              <thead>
                <tr>
                  <th>Severity</th>
                  <th>Finding</th>
                  <th>Rule</th>
                  <th>Location</th>
                  <th>Status</th>
                </tr>
              </thead>
              {groups.map((g) => (
                <tbody key={g.key || 'all'}>
                  {g.key ? (
                    <tr className="group-row" data-testid="findings-group">
                      <th colSpan={5} className="mono small">
                        {g.key} <span className="muted">({g.items.length})</span>
                      </th>
                    </tr>
                  ) : null}
                  {g.items.map((f) => (
                    <tr key={f.id} data-testid="finding-row">
                      <td>
                        <SeverityBadge severity={f.severity} />
                      </td>
                      <td>
                        <Link
                          to="/w/$workspaceId/projects/$projectId/repositories/$repositoryId/findings/$findingId"
                          params={{ workspaceId: ws.id, projectId, repositoryId, findingId: f.id }}
                        >
                          {f.message}
                        </Link>
                        <div className="muted small">{f.category}</div>
                      </td>
                      <td className="mono small">{f.ruleId}</td>
                      <td className="mono small">
                        {f.path}:{f.startLine}
                      </td>
                      <td>
                        <FindingStatusChip status={f.status} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              ))}
            </table>
          </div>
          {total > PAGE ? (
            <div className="row pager">
              <button
                type="button"
                className="btn btn-sm"
                disabled={offset === 0}
                onClick={() => void navigate({ search: (prev) => ({ ...prev, page: offset / PAGE }), replace: true })}
              >
                Previous
              </button>
              <span className="small muted">
                {offset + 1}–{Math.min(offset + PAGE, total)} of {total}
              </span>
              <button
                type="button"
                className="btn btn-sm"
                disabled={offset + PAGE >= total}
                onClick={() =>
                  void navigate({ search: (prev) => ({ ...prev, page: offset / PAGE + 2 }), replace: true })
                }
              >
                Next
              </button>
            </div>
          ) : null}
        </>
      ) : null}
    </div>
  );
}
