import { SubmitButton } from '../../../ui/SubmitButton.js';
import { Breadcrumbs } from '../../../ui/Breadcrumbs.js';
import { PageHeader } from '../../../ui/PageHeader.js';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate, useParams } from '@tanstack/react-router';
import { useState, type FormEvent } from 'react';
import { ConfirmButton } from '../../../ui/ConfirmButton.js';
import { EmptyState, Loading, LoadFailure } from '../../../ui/Feedback.js';
import { Field } from '../../../ui/Field.js';
import { FormError } from '../../../ui/FormError.js';
import { Markdown } from '../../../ui/Markdown.js';
import {
  EmbeddingBadge,
  parseTags,
  TagChips,
  useEmbeddingModel,
  useRefreshMemory,
  type MemoryEntry,
} from '../components/MemoryLabels.js';
import { ProjectSelect } from '../../../ui/ProjectSelect.js';
import { useToast } from '../../../ui/Toasts.js';
import { useWorkspace } from '../../../lib/workspace-context.js';
import { can } from '../../../lib/access.js';
import { fieldError } from '../../../lib/errors.js';
import { formatDateTime } from '../../../lib/format.js';
import { useTRPC } from '../../../lib/trpc.js';
import { TextAreaField, TextField } from '../../../ui/TextField.js';
import { useFormFields } from '../../../lib/use-form-fields.js';

function EntryEditor({ entry }: { entry: MemoryEntry | null }) {
  const trpc = useTRPC();
  const ws = useWorkspace();
  const toast = useToast();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const refresh = useRefreshMemory();
  const model = useEmbeddingModel();
  const [projectId, setProjectId] = useState(entry?.projectId ?? '');
  const canWrite = can(ws, 'memory:write');
  const afterSave = async (e: MemoryEntry) => {
    queryClient.setQueryData(trpc.memory.entries.get.queryKey({ id: e.id }), e);
    await refresh();
    if (e.embeddingError)
      toast.error(`Saved, but embedding failed: ${e.embeddingError}. It is found by keywords until a backfill.`);
  };
  const create = useMutation(
    trpc.memory.entries.create.mutationOptions({
      meta: { inline: true },
      onSuccess: async (e) => {
        await afterSave(e);
        toast.success(`Entry "${e.title}" created`);
        await navigate({
          to: '/w/$workspaceId/memory/entries/$entryId',
          params: { workspaceId: ws.id, entryId: e.id },
          replace: true,
        });
      },
    }),
  );
  const update = useMutation(
    trpc.memory.entries.update.mutationOptions({
      meta: { inline: true },
      onSuccess: async (e) => {
        await afterSave(e);
        toast.success('Entry saved');
      },
    }),
  );
  const remove = useMutation(
    trpc.memory.entries.delete.mutationOptions({
      onSuccess: async () => {
        toast.success('Entry deleted');
        await refresh();
        await navigate({ to: '/w/$workspaceId/memory/entries', params: { workspaceId: ws.id } });
      },
    }),
  );
  const error = create.error ?? update.error;
  const isSaving = create.isPending || update.isPending;
  const form = useFormFields(
    () => ({ title: entry?.title ?? '', content: entry?.content ?? '', tags: entry?.tags.join(', ') ?? '' }),
    error,
  );
  const tags = parseTags(form.values.tags);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const fields = { ...form.values, tags, projectId: projectId || null };
    if (entry) update.mutate({ id: entry.id, ...fields });
    else create.mutate(fields);
  };
  return (
    <div className="page page-wide">
      <Breadcrumbs>
        <Link to="/w/$workspaceId/memory" params={{ workspaceId: ws.id }}>
          Memory
        </Link>
        <Link to="/w/$workspaceId/memory/entries" params={{ workspaceId: ws.id }}>
          Knowledge entries
        </Link>
        <span>{entry ? entry.title : 'New entry'}</span>
      </Breadcrumbs>
      <PageHeader
        title={entry ? entry.title : 'New knowledge entry'}
        description={
          <>
            {entry
              ? `Last changed ${formatDateTime(entry.updatedAt)} · source: ${entry.source}`
              : 'A runbook, a decision or a gotcha, in Markdown. It is embedded on save.'}
          </>
        }
      />
      <div className="editor-layout">
        <form className="card form" onSubmit={submit} noValidate data-testid="entry-form">
          <FormError error={error} />
          <TextField
            {...form.bind('title', 'Title', 'entry-title')}
            readOnly={!canWrite}
            autoFocus={!entry}
            maxLength={200}
          />
          <TextAreaField
            {...form.bind('content', 'Content', 'entry-content')}
            hint="Markdown. The preview is on the right."
            className="input mono prompt-input"
            rows={14}
            readOnly={!canWrite}
          />
          <TextField
            {...form.bind('tags', 'Tags', 'entry-tags')}
            hint="Comma-separated, up to 20 (stored lower-case)."
            readOnly={!canWrite}
            placeholder="release, ops"
          />
          {tags.length ? <TagChips tags={tags} /> : null}
          <Field
            label="Project"
            htmlFor="entry-project"
            error={fieldError(error, 'projectId')}
            hint="Workspace-wide entries show up in every project's searches."
          >
            <ProjectSelect
              id="entry-project"
              value={projectId}
              onChange={setProjectId}
              emptyLabel="Workspace-wide (no project)"
              disabled={!canWrite}
            />
          </Field>
          {canWrite ? (
            <div className="form-actions form-actions-split">
              <SubmitButton label={entry ? 'Save' : 'Create entry'} busy={isSaving} busyLabel="Saving…" />
              {entry ? (
                <ConfirmButton
                  label="Delete"
                  question={`Delete "${entry.title}"?`}
                  onConfirm={() => remove.mutate({ id: entry.id })}
                  testId="delete-entry"
                />
              ) : null}
            </div>
          ) : (
            <p className="muted small">You can read this entry; editing needs the memory:write permission.</p>
          )}
        </form>
        <aside className="side-column">
          {entry ? (
            <section className="card side-card" data-testid="entry-embedding">
              <h2>Embedding</h2>
              <p className="row">
                <EmbeddingBadge row={entry} model={model} />
                <span className="muted small mono">{entry.embeddingModel ?? 'no vector'}</span>
              </p>
              {entry.embeddingError ? <p className="test-fail small">{entry.embeddingError}</p> : null}
            </section>
          ) : null}
          <section className="card side-card">
            <h2>Preview</h2>
            <Markdown source={form.values.content} testId="entry-preview" />
          </section>
        </aside>
      </div>
    </div>
  );
}

/** `/w/$workspaceId/memory/entries/$entryId` (`new` creates an entry). */
export function MemoryEntryPage() {
  const trpc = useTRPC();
  const ws = useWorkspace();
  const { entryId } = useParams({ from: '/w/$workspaceId/memory/entries/$entryId' });
  const isNew = entryId === 'new';
  const entry = useQuery({ ...trpc.memory.entries.get.queryOptions({ id: entryId }), enabled: !isNew });
  if (isNew)
    return can(ws, 'memory:write') ? (
      <EntryEditor key="new" entry={null} />
    ) : (
      <EmptyState title="Writing entries needs the memory:write permission." />
    );
  if (entry.isPending) return <Loading />;
  if (entry.isError) {
    return (
      <LoadFailure error={entry.error} notFoundTitle="Entry not found">
        It may have been deleted.{' '}
        <Link to="/w/$workspaceId/memory/entries" params={{ workspaceId: ws.id }}>
          Back to knowledge entries
        </Link>
      </LoadFailure>
    );
  }
  return <EntryEditor key={entry.data.id} entry={entry.data} />;
}
