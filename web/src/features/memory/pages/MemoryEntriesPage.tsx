import { SearchInput } from '../../../ui/SearchInput.js';
import { DataTable } from '../../../ui/DataTable.js';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { useState } from 'react';
import { EmptyState } from '../../../ui/Feedback.js';
import { EmbeddingBadge, TagChips, useEmbeddingModel } from '../components/MemoryLabels.js';
import { MemoryHeader } from '../components/MemoryTabs.js';
import { ProjectFilterSelect, useProjects } from '../../../ui/ProjectSelect.js';
import { useWorkspace } from '../../../lib/workspace-context.js';
import { can } from '../../../lib/access.js';
import { formatDate } from '../../../lib/format.js';
import { useTRPC } from '../../../lib/trpc.js';
import { useDebounced } from '../../../lib/use-debounced.js';
import { QueryStatus } from '../../../ui/QueryStatus.js';

/** `/w/$workspaceId/memory/entries`: knowledge entries with their tags and embedding status. */
export function MemoryEntriesPage() {
  const trpc = useTRPC();
  const ws = useWorkspace();
  const projects = useProjects();
  const model = useEmbeddingModel();
  const [projectId, setProjectId] = useState('');
  const [tagText, setTagText] = useState('');
  const tag = useDebounced(tagText.trim().toLowerCase().replace(/^#/, ''), 300);
  const allowed = can(ws, 'memory:read');
  const canWrite = can(ws, 'memory:write');
  const entries = useQuery({
    ...trpc.memory.entries.list.queryOptions({
      limit: 200,
      ...(projectId ? { projectId } : {}),
      ...(tag ? { tag } : {}),
    }),
    enabled: allowed,
    placeholderData: keepPreviousData,
  });
  if (!allowed) return <EmptyState title="You don't have access to memory here." />;
  const isFiltered = !!projectId || !!tag;
  const action = canWrite ? (
    <Link
      to="/w/$workspaceId/memory/entries/$entryId"
      params={{ workspaceId: ws.id, entryId: 'new' }}
      className="btn btn-primary"
    >
      New entry
    </Link>
  ) : undefined;
  return (
    <div className="page page-wide">
      <MemoryHeader
        description="Knowledge entries: notes, runbooks and decisions written in Markdown, searchable by meaning and keywords."
        action={action}
      />
      <div className="toolbar">
        <ProjectFilterSelect id="entries-project" value={projectId} onChange={setProjectId} />
        <SearchInput
          id="entries-tag"
          label="Tag"
          className="input input-tags"
          placeholder="Filter by tag…"
          value={tagText}
          onChange={setTagText}
        />
      </div>
      <QueryStatus query={entries} />
      {entries.data && entries.data.length === 0 ? (
        <EmptyState title={isFiltered ? 'No entries match these filters.' : 'No knowledge entries yet'}>
          {isFiltered
            ? 'Try another project or tag.'
            : canWrite
              ? 'Write down what the team knows: runbooks, decisions, gotchas.'
              : null}
        </EmptyState>
      ) : null}
      {entries.data && entries.data.length > 0 ? (
        <DataTable testId="entries-table" columns={['Title', 'Tags', 'Project', 'Embedding', 'Updated']}>
          {entries.data.map((e) => (
            <tr key={e.id} data-testid="entry-row">
              <td>
                <Link
                  to="/w/$workspaceId/memory/entries/$entryId"
                  params={{ workspaceId: ws.id, entryId: e.id }}
                  className="list-title"
                >
                  {e.title}
                </Link>
              </td>
              <td>{e.tags.length ? <TagChips tags={e.tags} /> : <span className="muted">—</span>}</td>
              <td className="small">{projects.nameOf(e.projectId) ?? <span className="muted">Workspace-wide</span>}</td>
              <td>
                <EmbeddingBadge row={e} model={model} />
              </td>
              <td className="nowrap small">{formatDate(e.updatedAt)}</td>
            </tr>
          ))}
        </DataTable>
      ) : null}
    </div>
  );
}
