import { useFormFields } from '../../../lib/use-form-fields.js';
import { Breadcrumbs } from '../../../ui/Breadcrumbs.js';
import { SearchInput } from '../../../ui/SearchInput.js';
import { PageHeader } from '../../../ui/PageHeader.js';
import { FormActions } from '../../../ui/FormActions.js';
import { FormError } from '../../../ui/FormError.js';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useParams } from '@tanstack/react-router';
import { useState, type FormEvent } from 'react';
import { EmptyState, ErrorAlert, Loading } from '../../../ui/Feedback.js';
import { useToast } from '../../../ui/Toasts.js';
import { useWorkspace } from '../../../lib/workspace-context.js';
import { errorCode } from '../../../lib/errors.js';
import { formatDateTime } from '../../../lib/format.js';
import { can } from '../../../lib/access.js';
import { useTRPC, type RouterOutputs } from '../../../lib/trpc.js';
import { useDebounced } from '../../../lib/use-debounced.js';
import { Highlighted } from '../../../ui/Highlighted.js';
import { TextField, TextAreaField } from '../../../ui/TextField.js';
import { QueryStatus } from '../../../ui/QueryStatus.js';

type Project = RouterOutputs['projects']['get'];

function ProjectEditor({ project, onDone }: { project: Project; onDone: () => void }) {
  const trpc = useTRPC();
  const toast = useToast();
  const queryClient = useQueryClient();
  const update = useMutation(
    trpc.projects.update.mutationOptions({
      meta: { inline: true },
      onSuccess: async () => {
        toast.success('Project updated');
        await queryClient.invalidateQueries({ queryKey: trpc.projects.pathKey() });
        onDone();
      },
    }),
  );
  const form = useFormFields({ name: project.name, description: project.description }, update.error);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    update.mutate({ id: project.id, ...form.values });
  };
  return (
    <form className="card form" onSubmit={submit} noValidate>
      <FormError error={update.error} fields={['name', 'description']} />
      <TextField {...form.bind('name', 'Project name', 'edit-project-name')} autoFocus />
      <TextAreaField {...form.bind('description', 'Description', 'edit-project-description')} rows={3} />
      <FormActions label="Save" busy={update.isPending} onCancel={onDone} />
    </form>
  );
}

/** `/w/$workspaceId/projects/$projectId`: project details and its notes. */
export function ProjectPage() {
  const trpc = useTRPC();
  const ws = useWorkspace();
  const { projectId } = useParams({ from: '/w/$workspaceId/projects/$projectId' });
  const [search, setSearch] = useState('');
  const [isEditing, setIsEditing] = useState(false);
  const query = useDebounced(search.trim());
  const project = useQuery(trpc.projects.get.queryOptions({ id: projectId }));
  const notes = useQuery({
    ...trpc.notes.list.queryOptions(query ? { projectId, query } : { projectId }),
    enabled: project.isSuccess,
    placeholderData: keepPreviousData,
  });
  const canWrite = can(ws, 'notes:write');
  if (project.isPending) return <Loading />;
  if (project.isError) {
    return (
      <div className="page">
        {errorCode(project.error) === 'NOT_FOUND' ? (
          <EmptyState title="Project not found">
            It may have been deleted.{' '}
            <Link to="/w/$workspaceId" params={{ workspaceId: ws.id }}>
              Back to projects
            </Link>
          </EmptyState>
        ) : (
          <ErrorAlert error={project.error} />
        )}
      </div>
    );
  }
  const p = project.data;
  return (
    <div className="page">
      <Breadcrumbs>
        <Link to="/w/$workspaceId" params={{ workspaceId: ws.id }}>
          Projects
        </Link>
        <span>{p.name}</span>
      </Breadcrumbs>
      {isEditing ? (
        <ProjectEditor project={p} onDone={() => setIsEditing(false)} />
      ) : (
        <PageHeader title={p.name} titleTestId="project-title" description={p.description || 'No description'}>
          <div className="row">
            {can(ws, 'repositories:read') ? (
              <Link
                to="/w/$workspaceId/projects/$projectId/repositories"
                params={{ workspaceId: ws.id, projectId }}
                className="btn"
                data-testid="project-repositories"
              >
                Repositories
              </Link>
            ) : null}
            {can(ws, 'projects:write') ? (
              <button type="button" className="btn" onClick={() => setIsEditing(true)}>
                Edit
              </button>
            ) : null}
            {canWrite ? (
              <Link
                to="/w/$workspaceId/projects/$projectId/notes/$noteId"
                params={{ workspaceId: ws.id, projectId, noteId: 'new' }}
                className="btn btn-primary"
              >
                New note
              </Link>
            ) : null}
          </div>
        </PageHeader>
      )}
      <div className="toolbar">
        <SearchInput
          id="note-search"
          label="Search notes"
          placeholder="Search notes (full text)…"
          value={search}
          onChange={setSearch}
        />
      </div>
      <QueryStatus query={notes} />
      {notes.data && notes.data.length === 0 ? (
        query ? (
          <EmptyState title={`No notes match “${query}”.`} />
        ) : (
          <EmptyState title="No notes yet">{canWrite ? 'Write the first note for this project.' : null}</EmptyState>
        )
      ) : null}
      {notes.data && notes.data.length > 0 ? (
        <ul className="list card" data-testid="note-list">
          {notes.data.map((n) => (
            <li key={n.id} className="list-item" data-testid="note-item">
              <Link
                to="/w/$workspaceId/projects/$projectId/notes/$noteId"
                params={{ workspaceId: ws.id, projectId, noteId: n.id }}
                className="list-link"
              >
                <span className="list-title">{n.title}</span>
                <span className="muted small clamp" data-testid="note-excerpt">
                  {n.excerpt ? <Highlighted text={n.excerpt} /> : 'Empty note'}
                </span>
              </Link>
              <span className="muted small nowrap">{formatDateTime(n.updatedAt)}</span>
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
