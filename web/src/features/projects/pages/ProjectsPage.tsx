import { PrimaryButton } from '../../../ui/Buttons.js';
import { SearchInput } from '../../../ui/SearchInput.js';
import { PageHeader } from '../../../ui/PageHeader.js';
import { FormActions } from '../../../ui/FormActions.js';
import { FormError } from '../../../ui/FormError.js';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { useState, type FormEvent } from 'react';
import { ConfirmButton } from '../../../ui/ConfirmButton.js';
import { EmptyState } from '../../../ui/Feedback.js';
import { useToast } from '../../../ui/Toasts.js';
import { useWorkspace } from '../../../lib/workspace-context.js';
import { useFormFields } from '../../../lib/use-form-fields.js';
import { formatDate, plural } from '../../../lib/format.js';
import { can } from '../../../lib/access.js';
import { useTRPC } from '../../../lib/trpc.js';
import { useDebounced } from '../../../lib/use-debounced.js';
import { TextField, TextAreaField } from '../../../ui/TextField.js';
import { QueryStatus } from '../../../ui/QueryStatus.js';

function NewProjectForm({ onDone }: { onDone: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const toast = useToast();
  const create = useMutation(
    trpc.projects.create.mutationOptions({
      meta: { inline: true },
      onSuccess: async (p) => {
        toast.success(`Project "${p.name}" created`);
        await queryClient.invalidateQueries({ queryKey: trpc.projects.list.pathKey() });
        onDone();
      },
    }),
  );
  const form = useFormFields({ name: '', description: '' }, create.error);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate(form.values);
  };
  return (
    <form className="card form" onSubmit={submit} noValidate data-testid="new-project-form">
      <h2>New project</h2>
      <FormError error={create.error} fields={['name', 'description']} />
      <TextField {...form.bind('name', 'Project name', 'project-name')} autoFocus />
      <TextAreaField {...form.bind('description', 'Description (optional)', 'project-description')} rows={2} />
      <FormActions label="Create project" busy={create.isPending} busyLabel="Creating…" onCancel={onDone} />
    </form>
  );
}

/** `/w/$workspaceId`: the workspace's projects. */
export function ProjectsPage() {
  const trpc = useTRPC();
  const ws = useWorkspace();
  const toast = useToast();
  const queryClient = useQueryClient();
  const [search, setSearch] = useState('');
  const [isCreating, setIsCreating] = useState(false);
  const query = useDebounced(search.trim());
  const projects = useQuery({
    ...trpc.projects.list.queryOptions(query ? { query } : {}),
    placeholderData: keepPreviousData,
  });
  const remove = useMutation(
    trpc.projects.delete.mutationOptions({
      onSuccess: async () => {
        toast.success('Project deleted');
        await queryClient.invalidateQueries({ queryKey: trpc.projects.list.pathKey() });
      },
    }),
  );
  const canWrite = can(ws, 'projects:write');
  return (
    <div className="page">
      <PageHeader title="Projects" description={<>Projects in {ws.name}.</>}>
        {canWrite && !isCreating ? (
          <PrimaryButton onClick={() => setIsCreating(true)}>New project</PrimaryButton>
        ) : null}
      </PageHeader>
      {isCreating ? <NewProjectForm onDone={() => setIsCreating(false)} /> : null}
      <div className="toolbar">
        <SearchInput
          id="project-search"
          label="Search projects"
          placeholder="Search projects by name…"
          value={search}
          onChange={setSearch}
        />
      </div>
      <QueryStatus query={projects} />
      {projects.data && projects.data.length === 0 ? (
        query ? (
          <EmptyState title={`No projects match “${query}”.`} />
        ) : (
          <EmptyState title="No projects yet">
            {canWrite ? 'Create a project to start writing notes.' : 'Nobody has created a project here yet.'}
          </EmptyState>
        )
      ) : null}
      <div className="grid" data-testid="project-list">
        {projects.data?.map((p) => (
          <article key={p.id} className="card project-card" data-testid="project-card">
            <Link
              to="/w/$workspaceId/projects/$projectId"
              params={{ workspaceId: ws.id, projectId: p.id }}
              className="project-link"
            >
              <h2>{p.name}</h2>
            </Link>
            <p className="muted clamp">{p.description || 'No description'}</p>
            <div className="card-footer">
              <span className="muted small">
                {plural(p.noteCount, 'note')} · updated {formatDate(p.updatedAt)}
              </span>
              {canWrite ? (
                <ConfirmButton
                  small
                  label="Delete"
                  question={`Delete "${p.name}" and its notes?`}
                  onConfirm={() => remove.mutate({ id: p.id })}
                />
              ) : null}
            </div>
          </article>
        ))}
      </div>
    </div>
  );
}
