import { keepPreviousData, useQueries, useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { useState } from 'react';
import { can } from '../../../lib/access.js';
import { errorCode } from '../../../lib/errors.js';
import { useTRPC } from '../../../lib/trpc.js';
import { useDebounced } from '../../../lib/use-debounced.js';
import { MAX_LINKED_INSIGHTS } from '../workflows.js';
import { plainText } from '../../../ui/Highlighted.js';
import { InsightChips } from '../../memory/components/MemoryLabels.js';
import { useProjects } from '../../../ui/ProjectSelect.js';
import { useWorkspace } from '../../../lib/workspace-context.js';

interface Brief {
  title: string;
  type: string | null;
  severity: string | null;
  status: string | null;
  projectId: string | null;
}

interface LinkedInsightsFieldProps {
  ids: readonly string[];
  onChange: (ids: string[]) => void;
  /** A save error of the list (`memoryInsightIds`) or of one id (`memoryInsightIds.2`). */
  errorOf: (field: string) => string | undefined;
  /** Whether some step's prompt has `{{memory}}`. */
  isUsed: boolean;
  readOnly: boolean;
}

/** The insights a workflow hands its prompts through `{{memory}}`: the linked ones, and a search to link more. */
export function LinkedInsightsField({ ids, onChange, errorOf, isUsed, readOnly }: LinkedInsightsFieldProps) {
  const trpc = useTRPC();
  const ws = useWorkspace();
  const projects = useProjects();
  const canRead = can(ws, 'memory:read');
  const [query, setQuery] = useState('');
  /** What search hits said about insights just linked, shown until their own query answers. */
  const [known, setKnown] = useState<Record<string, Brief>>({});
  const q = useDebounced(query.trim(), 250);
  const linked = useQueries({
    queries: ids.map((id) => ({ ...trpc.insights.get.queryOptions({ id }), enabled: canRead, staleTime: 30_000 })),
  });
  const search = useQuery({
    ...trpc.insights.search.queryOptions({ query: q, k: 8 }),
    enabled: canRead && !readOnly && q.length >= 2,
    placeholderData: keepPreviousData,
  });
  const isFull = ids.length >= MAX_LINKED_INSIGHTS;
  const rowErrors = ids.map((_, i) => errorOf(`memoryInsightIds.${i}`));
  const listError = rowErrors.some(Boolean) ? undefined : errorOf('memoryInsightIds');
  const hits = q.length >= 2 ? (search.data?.hits ?? []) : [];
  const link = (id: string, brief: Brief) => {
    setKnown((k) => ({ ...k, [id]: brief }));
    onChange([...ids, id]);
  };

  return (
    <div
      className={`field linked-insights${listError ? ' field-invalid' : ''}`}
      role="group"
      aria-labelledby="wf-insights-label"
      data-testid="linked-insights"
    >
      <span className="field-label" id="wf-insights-label">
        Linked insights{' '}
        <span className="muted">
          ({ids.length} of {MAX_LINKED_INSIGHTS})
        </span>
      </span>
      <p className="field-hint">
        A step&rsquo;s prompt gets them as a list (title, type, severity, detail, suggestion) where it says{' '}
        <code>{'{{memory}}'}</code>.
      </p>
      {ids.length ? (
        <ul className="linked-list">
          {ids.map((id, i) => {
            const row = linked[i];
            const brief: Brief | undefined = row?.data ?? known[id];
            const isMissing =
              !!row?.isError && (errorCode(row.error) === 'NOT_FOUND' || errorCode(row.error) === 'BAD_REQUEST');
            const title =
              brief?.title ??
              (isMissing ? 'Insight not found (deleted?)' : canRead ? 'Loading…' : `Insight ${id.slice(0, 8)}`);
            return (
              <li
                key={id}
                className={`linked-item${rowErrors[i] ? ' field-invalid' : ''}`}
                data-testid="linked-insight"
              >
                <div className="linked-main">
                  {brief ? (
                    <Link
                      to="/w/$workspaceId/memory/insights/$insightId"
                      params={{ workspaceId: ws.id, insightId: id }}
                      target="_blank"
                      className="linked-title"
                    >
                      {title}
                    </Link>
                  ) : (
                    <span className="linked-title muted">{title}</span>
                  )}
                  {brief ? (
                    <span className="linked-meta">
                      <InsightChips type={brief.type} severity={brief.severity} status={brief.status} />
                      <span className="muted small">{projects.nameOf(brief.projectId)}</span>
                    </span>
                  ) : null}
                  {rowErrors[i] ? (
                    <p className="field-error" role="alert">
                      {rowErrors[i]}
                    </p>
                  ) : null}
                </div>
                {!readOnly ? (
                  <button
                    type="button"
                    className="btn btn-sm btn-ghost"
                    onClick={() => onChange(ids.filter((_, j) => j !== i))}
                    aria-label={`Unlink ${title}`}
                  >
                    Remove
                  </button>
                ) : null}
              </li>
            );
          })}
        </ul>
      ) : (
        <p className="muted small linked-empty">None linked.</p>
      )}
      {ids.length && !isUsed ? (
        <p className="step-note step-note-warn" data-testid="memory-unused-note">
          No step&rsquo;s prompt has <code>{'{{memory}}'}</code> yet, so runs do not see these insights.
        </p>
      ) : null}
      {!canRead ? <p className="muted small">Finding insights to link needs the memory:read permission.</p> : null}
      {canRead && !readOnly ? (
        <div className="linked-search">
          <input
            type="search"
            className="input"
            aria-label="Find insights to link"
            placeholder={isFull ? `At most ${MAX_LINKED_INSIGHTS} insights` : 'Find insights to link…'}
            value={query}
            onChange={(e) => setQuery(e.target.value)}
            disabled={isFull}
          />
          {q.length >= 2 ? (
            <ul className="linked-results" aria-label="Matching insights" data-testid="insight-search-results">
              {search.isPending ? <li className="muted small">Searching…</li> : null}
              {search.isError ? <li className="field-error">{search.error.message}</li> : null}
              {search.data && !hits.length ? <li className="muted small">No insights match “{q}”.</li> : null}
              {hits.map((h) => {
                const title = plainText(h.title);
                const isLinked = ids.includes(h.id);
                return (
                  <li key={h.id} className="linked-item" data-testid="insight-search-hit">
                    <div className="linked-main">
                      <span className="linked-title">{title}</span>
                      <span className="linked-meta">
                        <InsightChips type={h.type} severity={h.severity} status={h.status} />
                        <span className="muted small">{projects.nameOf(h.projectId)}</span>
                      </span>
                    </div>
                    <button
                      type="button"
                      className="btn btn-sm"
                      disabled={isLinked || isFull}
                      onClick={() =>
                        link(h.id, {
                          title,
                          type: h.type,
                          severity: h.severity,
                          status: h.status,
                          projectId: h.projectId,
                        })
                      }
                      aria-label={isLinked ? `${title} is linked` : `Link ${title}`}
                    >
                      {isLinked ? 'Linked' : 'Link'}
                    </button>
                  </li>
                );
              })}
            </ul>
          ) : null}
        </div>
      ) : null}
      {listError ? (
        <p className="field-error" role="alert">
          {listError}
        </p>
      ) : null}
    </div>
  );
}
