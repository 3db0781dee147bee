import { ToggleGroup, type ToggleOption } from '../../../ui/ToggleGroup.js';
import { SearchInput } from '../../../ui/SearchInput.js';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { useState, type FormEvent } from 'react';
import { EmptyState, ErrorAlert, Loading } from '../../../ui/Feedback.js';
import { parseTags, type InsightStatus, type InsightType, type Severity } from '../components/MemoryLabels.js';
import { MemoryHeader } from '../components/MemoryTabs.js';
import { ProjectSelect, useProjects } from '../../../ui/ProjectSelect.js';
import { SearchHitCard } from '../components/SearchHitCard.js';
import { useWorkspace } from '../../../lib/workspace-context.js';
import { can } from '../../../lib/access.js';
import { useTRPC } from '../../../lib/trpc.js';
import { useDebounced } from '../../../lib/use-debounced.js';
import { InsightFilter } from '../components/InsightFilter.js';

type Kind = 'all' | 'entry' | 'insight';
type Mode = 'weighted' | 'rrf';
const rankings: readonly ToggleOption<Mode>[] = [
  { value: 'weighted', label: 'Weighted', title: 'Weighted sum of vector and text scores' },
  { value: 'rrf', label: 'RRF', title: 'Reciprocal rank fusion: 1/(60 + rank) per list' },
];

/** `/w/$workspaceId/memory`: one hybrid search over knowledge entries and insights. */

const VECTOR_PATH_LABELS = {
  exact: 'exact comparison',
  hnsw: 'HNSW index',
  mixed: 'exact comparison and HNSW index',
} as const;
const VECTOR_PATH_HINTS = {
  exact:
    'Every vector in scope was compared with the query: offline embeddings up to 20,000 items, a model’s up to 1,000.',
  hnsw: 'Nearest vectors found through the HNSW index (approximate, fast at any size).',
  mixed:
    'Entries and insights were searched each their own way: exactly where few enough, through the HNSW index otherwise.',
} as const;
export function MemorySearchPage() {
  const trpc = useTRPC();
  const ws = useWorkspace();
  const projects = useProjects();
  const [text, setText] = useState('');
  const [entered, setEntered] = useState('');
  const [kind, setKind] = useState<Kind>('all');
  const [projectId, setProjectId] = useState('');
  const [type, setType] = useState<InsightType | ''>('');
  const [severity, setSeverity] = useState<Severity | ''>('');
  const [status, setStatus] = useState<InsightStatus | ''>('');
  const [tagText, setTagText] = useState('');
  const [mode, setMode] = useState<Mode | null>(null);
  const debounced = useDebounced(text.trim(), 300);
  // Enter searches right away; typing searches once it pauses for 300 ms.
  const query = entered === text.trim() ? entered : debounced;
  const tags = parseTags(useDebounced(tagText, 300)).slice(0, 10);
  const allowed = can(ws, 'memory:read');
  const canInsights = kind !== 'entry';
  const canTags = kind !== 'insight';
  const search = useQuery({
    ...trpc.memory.search.queryOptions({
      query,
      k: 20,
      ...(kind !== 'all' ? { kinds: [kind] } : {}),
      ...(projectId ? { projectId } : {}),
      ...(canInsights && type ? { type } : {}),
      ...(canInsights && severity ? { severity } : {}),
      ...(canInsights && status ? { status } : {}),
      ...(canTags && tags.length ? { tags } : {}),
      ...(mode ? { mode } : {}),
    }),
    enabled: allowed && query.length > 0,
    placeholderData: keepPreviousData,
  });
  if (!allowed) return <EmptyState title="You don't have access to memory here." />;
  const result = query ? search.data : undefined;
  const shownMode: Mode = mode ?? result?.mode ?? 'weighted';
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setEntered(text.trim());
  };
  const params = { workspaceId: ws.id };
  return (
    <div className="page page-wide">
      <MemoryHeader
        description={`What ${ws.name} has learned: knowledge entries and insights, found by meaning and by keywords.`}
      />
      <form className="search-hero" role="search" onSubmit={submit}>
        <SearchInput
          id="memory-search"
          label="Search memory"
          className="input search-hero-input"
          placeholder="Search entries and insights, e.g. “why do deploys fail?”"
          maxLength={500}
          value={text}
          onChange={setText}
          autoFocus
        />
        <button type="submit" className="btn btn-primary">
          Search
        </button>
      </form>
      <div className="filters" aria-label="Search filters" role="group">
        <select
          aria-label="Kind"
          className="input input-auto"
          value={kind}
          onChange={(e) => setKind(e.target.value as Kind)}
        >
          <option value="all">Entries and insights</option>
          <option value="entry">Entries only</option>
          <option value="insight">Insights only</option>
        </select>
        <ProjectSelect
          id="search-project"
          value={projectId}
          onChange={setProjectId}
          emptyLabel="All projects"
          className="input input-auto"
        />
        <InsightFilter name="type" value={type} onChange={setType} disabled={!canInsights} />
        <InsightFilter name="severity" value={severity} onChange={setSeverity} disabled={!canInsights} />
        <InsightFilter name="status" value={status} onChange={setStatus} disabled={!canInsights} />
        <input
          aria-label="Tags"
          className="input input-tags"
          placeholder="Tags: ops, release"
          value={tagText}
          onChange={(e) => setTagText(e.target.value)}
          disabled={!canTags}
        />
        <ToggleGroup label="Ranking" options={rankings} value={shownMode} onChange={setMode} />
      </div>
      <p className="muted small filters-note" data-testid="search-scope">
        Searches knowledge entries and insights. Project notes are not part of memory: search them on their{' '}
        <Link to="/w/$workspaceId" params={params}>
          project’s page
        </Link>
        . Type, severity and status narrow the search to insights; tags narrow it to entries.
      </p>
      {!query ? (
        <EmptyState title="Search what this workspace knows">
          Type a question or a few keywords. Browse{' '}
          <Link to="/w/$workspaceId/memory/entries" params={params}>
            knowledge entries
          </Link>{' '}
          or{' '}
          <Link to="/w/$workspaceId/memory/insights" params={params}>
            triage insights
          </Link>
          .
        </EmptyState>
      ) : null}
      {query && search.isPending ? <Loading label="Searching…" /> : null}
      {query && search.isError ? <ErrorAlert error={search.error} /> : null}
      {result ? (
        <section className="section" aria-label="Search results">
          <p className="muted small results-meta" data-testid="search-meta">
            {result.hits.length} result{result.hits.length === 1 ? '' : 's'} ·{' '}
            {result.mode === 'rrf'
              ? 'reciprocal rank fusion'
              : `weighted: vector ${result.weights.vector} · text ${result.weights.text}`}{' '}
            · embedding model <code data-testid="embedding-model">{result.embeddingModel}</code>
            {result.vectorPath ? (
              <span data-testid="vector-path" title={VECTOR_PATH_HINTS[result.vectorPath]}>
                {' '}
                · nearest by {VECTOR_PATH_LABELS[result.vectorPath]}
              </span>
            ) : null}
          </p>
          {result.vectorError ? (
            <div className="alert alert-warn" role="status" data-testid="keyword-only">
              <strong>Keyword-only results.</strong> The embedding provider failed ({result.vectorError}), so
              meaning-based matches are left out until it works again.
            </div>
          ) : null}
          {result.hits.length === 0 ? (
            <EmptyState title={`Nothing matches “${query}”.`}>Try other words, or clear some filters.</EmptyState>
          ) : (
            <ol className="hit-list" data-testid="search-results">
              {result.hits.map((h) => (
                <SearchHitCard
                  key={`${h.kind}:${h.id}`}
                  hit={h}
                  result={result}
                  workspaceId={ws.id}
                  projectName={projects.nameOf(h.projectId)}
                />
              ))}
            </ol>
          )}
        </section>
      ) : null}
    </div>
  );
}
