import { ToggleGroup, type ToggleOption } from '../../../ui/ToggleGroup.js';
import { Breadcrumbs } from '../../../ui/Breadcrumbs.js';
import { FormError } from '../../../ui/FormError.js';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate, useParams } from '@tanstack/react-router';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { ConfirmButton } from '../../../ui/ConfirmButton.js';
import { Loading, LoadFailure } from '../../../ui/Feedback.js';
import { Markdown } from '../../../ui/Markdown.js';
import { useToast } from '../../../ui/Toasts.js';
import { useWorkspace } from '../../../lib/workspace-context.js';
import { fieldError } from '../../../lib/errors.js';
import { formatDateTime } from '../../../lib/format.js';
import { can } from '../../../lib/access.js';
import { LengthHint } from '../../../ui/LengthHint.js';
import { overLimit, TEXT_LIMITS } from '../../../../../src/shared/limits.js';
import { useTRPC, type RouterOutputs } from '../../../lib/trpc.js';

type EditorView = 'split' | 'write' | 'preview';
const editorViews: readonly ToggleOption<EditorView>[] = [
  { value: 'split', label: 'Side by side' },
  { value: 'write', label: 'Write' },
  { value: 'preview', label: 'Preview' },
];

interface Draft {
  title: string;
  body: string;
}

interface EditorProps {
  projectId: string;
  projectName: string;
  noteId: string | null;
  initial: Draft;
  updatedAt: Date | null;
}

function NoteEditor({ projectId, projectName, noteId, initial, updatedAt }: EditorProps) {
  const trpc = useTRPC();
  const ws = useWorkspace();
  const toast = useToast();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [draft, setDraft] = useState<Draft>(initial);
  const [saved, setSaved] = useState<Draft>(initial);
  const [savedAt, setSavedAt] = useState<Date | null>(updatedAt);
  const [view, setView] = useState<EditorView>('split');
  const canWrite = can(ws, 'notes:write');
  const isDirty = draft.title !== saved.title || draft.body !== saved.body;
  const params = { workspaceId: ws.id, projectId };

  const afterSave = async (note: RouterOutputs['notes']['get']) => {
    queryClient.setQueryData(trpc.notes.get.queryKey({ id: note.id }), note);
    await queryClient.invalidateQueries({ queryKey: trpc.notes.list.pathKey() });
    void queryClient.invalidateQueries({ queryKey: trpc.projects.list.pathKey() });
  };
  const create = useMutation(
    trpc.notes.create.mutationOptions({
      meta: { inline: true },
      onSuccess: async (note) => {
        await afterSave(note);
        toast.success('Note created');
        await navigate({
          to: '/w/$workspaceId/projects/$projectId/notes/$noteId',
          params: { ...params, noteId: note.id },
          replace: true,
        });
      },
    }),
  );
  const update = useMutation(
    trpc.notes.update.mutationOptions({
      meta: { inline: true },
      onSuccess: async (note) => {
        setSaved({ title: note.title, body: note.body });
        setSavedAt(note.updatedAt);
        await afterSave(note);
      },
    }),
  );
  const remove = useMutation(
    trpc.notes.delete.mutationOptions({
      onSuccess: async () => {
        toast.success('Note deleted');
        await queryClient.invalidateQueries({ queryKey: trpc.notes.list.pathKey() });
        await navigate({ to: '/w/$workspaceId/projects/$projectId', params });
      },
    }),
  );
  const isSaving = create.isPending || update.isPending;
  const error = create.error ?? update.error;

  // The server's limits, checked before a round trip: an over-long note is never sent.
  const isTooLong = !!(
    overLimit(draft.title.trim(), TEXT_LIMITS.noteTitle) ?? overLimit(draft.body, TEXT_LIMITS.noteBody)
  );
  const save = () => {
    if (!canWrite || isSaving || isTooLong) return;
    if (noteId) update.mutate({ id: noteId, title: draft.title, body: draft.body });
    else create.mutate({ projectId, title: draft.title, body: draft.body });
  };
  const saveRef = useRef(save);
  saveRef.current = save;

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 's') {
        e.preventDefault();
        saveRef.current();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
  useEffect(() => {
    if (!isDirty) return;
    const onBeforeUnload = (e: BeforeUnloadEvent) => e.preventDefault();
    window.addEventListener('beforeunload', onBeforeUnload);
    return () => window.removeEventListener('beforeunload', onBeforeUnload);
  }, [isDirty]);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    save();
  };
  let state = 'Not saved yet';
  if (isSaving) state = 'Saving…';
  else if (noteId && !isDirty) state = `Saved${savedAt ? ` · ${formatDateTime(savedAt)}` : ''}`;
  else if (noteId) state = 'Unsaved changes';

  return (
    <form className="page page-wide editor" onSubmit={submit} noValidate>
      <Breadcrumbs>
        <Link to="/w/$workspaceId" params={{ workspaceId: ws.id }}>
          Projects
        </Link>
        <Link to="/w/$workspaceId/projects/$projectId" params={params}>
          {projectName}
        </Link>
        <span>{noteId ? saved.title : 'New note'}</span>
      </Breadcrumbs>
      <div className="editor-bar">
        <label htmlFor="note-title" className="sr-only">
          Title
        </label>
        <input
          id="note-title"
          className={`input title-input${fieldError(error, 'title') ? ' invalid' : ''}`}
          placeholder="Note title"
          value={draft.title}
          onChange={(e) => setDraft({ ...draft, title: e.target.value })}
          readOnly={!canWrite}
          autoFocus={!noteId}
        />
        <span className={`save-state${isDirty && noteId ? ' dirty' : ''}`} data-testid="save-state" aria-live="polite">
          {state}
        </span>
        {canWrite ? (
          <>
            <button
              type="submit"
              className="btn btn-primary"
              disabled={isSaving || isTooLong || (!!noteId && !isDirty)}
              title="Save (Ctrl/Cmd+S)"
            >
              Save
            </button>
            {noteId ? (
              <ConfirmButton
                label="Delete"
                question="Delete this note?"
                onConfirm={() => remove.mutate({ id: noteId })}
                testId="delete-note"
              />
            ) : null}
          </>
        ) : null}
      </div>
      <LengthHint value={draft.title.trim()} limit={TEXT_LIMITS.noteTitle} />
      {fieldError(error, 'title') ? (
        <p className="field-error" role="alert">
          {fieldError(error, 'title')}
        </p>
      ) : (
        <FormError error={error} fields={['title', 'body']} />
      )}
      <ToggleGroup label="Editor layout" options={editorViews} value={view} onChange={setView} />
      <div className={`editor-panes view-${view}`}>
        {view !== 'preview' ? (
          <div className="pane">
            <label htmlFor="note-body" className="pane-label">
              Markdown
            </label>
            <textarea
              id="note-body"
              className="input body-input mono"
              value={draft.body}
              onChange={(e) => setDraft({ ...draft, body: e.target.value })}
              readOnly={!canWrite}
              placeholder={'# Heading\n\nWrite in Markdown…'}
              spellCheck
            />
            <LengthHint value={draft.body} limit={TEXT_LIMITS.noteBody} />
            {fieldError(error, 'body') ? <p className="field-error">{fieldError(error, 'body')}</p> : null}
          </div>
        ) : null}
        {view !== 'write' ? (
          <div className="pane">
            <span className="pane-label">Preview</span>
            <div className="preview card">
              <Markdown source={draft.body} testId="note-preview" />
            </div>
          </div>
        ) : null}
      </div>
    </form>
  );
}

/** `/w/$workspaceId/projects/$projectId/notes/$noteId` (`new` creates a note). */
export function NoteEditorPage() {
  const trpc = useTRPC();
  const ws = useWorkspace();
  const { projectId, noteId } = useParams({ from: '/w/$workspaceId/projects/$projectId/notes/$noteId' });
  const isNew = noteId === 'new';
  const project = useQuery(trpc.projects.get.queryOptions({ id: projectId }));
  const note = useQuery({ ...trpc.notes.get.queryOptions({ id: noteId }), enabled: !isNew });
  const failed = project.error ?? (isNew ? null : note.error);
  if (failed) {
    return (
      <LoadFailure error={failed} notFoundTitle="Note not found">
        It may have been deleted.{' '}
        <Link to="/w/$workspaceId" params={{ workspaceId: ws.id }}>
          Back to projects
        </Link>
      </LoadFailure>
    );
  }
  if (project.isPending || (!isNew && note.isPending)) return <Loading />;
  const projectName = project.data?.name ?? 'Project';
  if (isNew || !note.data) {
    return (
      <NoteEditor
        key="new"
        projectId={projectId}
        projectName={projectName}
        noteId={null}
        initial={{ title: '', body: '' }}
        updatedAt={null}
      />
    );
  }
  const n = note.data;
  return (
    <NoteEditor
      key={n.id}
      projectId={projectId}
      projectName={projectName}
      noteId={n.id}
      initial={{ title: n.title, body: n.body }}
      updatedAt={n.updatedAt}
    />
  );
}
