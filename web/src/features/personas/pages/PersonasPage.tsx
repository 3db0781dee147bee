import { SearchInput } from '../../../ui/SearchInput.js';
import { PageHeader } from '../../../ui/PageHeader.js';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { useState } from 'react';
import { EmptyState } from '../../../ui/Feedback.js';
import { PersonaCard } from '../components/PersonaCard.js';
import { useCategories, type SpecializationId } from '../components/SpecializationChips.js';
import { useWorkspace } from '../../../lib/workspace-context.js';
import { can } from '../../../lib/access.js';
import { useTRPC } from '../../../lib/trpc.js';
import { useDebounced } from '../../../lib/use-debounced.js';
import { QueryStatus } from '../../../ui/QueryStatus.js';

/** `/w/$workspaceId/personas`: the workspace's personas, built-in and custom. */
export function PersonasPage() {
  const trpc = useTRPC();
  const ws = useWorkspace();
  const [search, setSearch] = useState('');
  const [specialization, setSpecialization] = useState<SpecializationId | ''>('');
  const query = useDebounced(search.trim());
  const categories = useCategories();
  const personas = useQuery({
    ...trpc.personas.list.queryOptions({ ...(query ? { query } : {}), ...(specialization ? { specialization } : {}) }),
    enabled: can(ws, 'personas:read'),
    placeholderData: keepPreviousData,
  });
  if (!can(ws, 'personas:read')) return <EmptyState title="You don't have access to personas here." />;
  const isFiltered = !!query || !!specialization;
  return (
    <div className="page page-wide">
      <PageHeader
        title="Personas"
        description={<>AI identities with a system prompt and specializations. They level up as they are used.</>}
      >
        {can(ws, 'personas:write') ? (
          <Link
            to="/w/$workspaceId/personas/$personaId"
            params={{ workspaceId: ws.id, personaId: 'new' }}
            className="btn btn-primary"
          >
            New persona
          </Link>
        ) : null}
      </PageHeader>
      <div className="toolbar">
        <SearchInput
          id="persona-search"
          label="Search personas"
          placeholder="Search by name or description…"
          value={search}
          onChange={setSearch}
        />
        <label htmlFor="persona-specialization" className="sr-only">
          Specialization
        </label>
        <select
          id="persona-specialization"
          className="input input-auto"
          value={specialization}
          onChange={(e) => setSpecialization(e.target.value as SpecializationId | '')}
        >
          <option value="">All specializations</option>
          {categories.list.map((c) => (
            <option key={c.id} value={c.id}>
              {c.label}
            </option>
          ))}
        </select>
      </div>
      <QueryStatus query={personas} />
      {personas.data && personas.data.length === 0 ? (
        <EmptyState title={isFiltered ? 'No personas match these filters.' : 'No personas yet'}>
          {isFiltered ? 'Try another search or specialization.' : null}
        </EmptyState>
      ) : null}
      <div className="grid" data-testid="persona-list">
        {personas.data?.map((p) => (
          <PersonaCard key={p.id} persona={p} workspaceId={ws.id} labelOf={categories.labelOf} />
        ))}
      </div>
    </div>
  );
}
