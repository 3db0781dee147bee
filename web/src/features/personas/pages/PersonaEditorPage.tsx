import { useFormFields } from '../../../lib/use-form-fields.js';
import { SubmitButton } from '../../../ui/SubmitButton.js';
import { Breadcrumbs } from '../../../ui/Breadcrumbs.js';
import { PageHeader } from '../../../ui/PageHeader.js';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate, useParams } from '@tanstack/react-router';
import { useMemo, useState, type FormEvent } from 'react';
import { ConfirmButton } from '../../../ui/ConfirmButton.js';
import { EmptyState, Loading, LoadFailure } from '../../../ui/Feedback.js';
import { FormError } from '../../../ui/FormError.js';
import { PersonaStatsPanel, type Persona } from '../components/PersonaStats.js';
import type { SpecializationId } from '../components/SpecializationChips.js';
import { SpecializationPicker } from '../components/SpecializationPicker.js';
import { useToast } from '../../../ui/Toasts.js';
import { TryPersonaPanel } from '../components/TryPersonaPanel.js';
import { useWorkspace } from '../../../lib/workspace-context.js';
import { can } from '../../../lib/access.js';
import { fieldError } from '../../../lib/errors.js';
import { formatDateTime } from '../../../lib/format.js';
import { useTRPC } from '../../../lib/trpc.js';
import { TextField, TextAreaField } from '../../../ui/TextField.js';

/** "a, b ,, c" → ["a", "b", "c"] (the server allows 12 traits of up to 40 characters). */
const parseTraits = (s: string): string[] =>
  s
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean)
    .slice(0, 12);

function PersonaEditor({ persona }: { persona: Persona | null }) {
  const trpc = useTRPC();
  const ws = useWorkspace();
  const toast = useToast();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [specs, setSpecs] = useState<SpecializationId[]>((persona?.specializations ?? []) as SpecializationId[]);
  const canWrite = can(ws, 'personas:write');

  const afterSave = async (p: Persona) => {
    queryClient.setQueryData(trpc.personas.get.queryKey({ id: p.id }), p);
    // The server may have inferred specializations: show what it stored.
    setSpecs(p.specializations as SpecializationId[]);
    await queryClient.invalidateQueries({ queryKey: trpc.personas.list.pathKey() });
  };
  const create = useMutation(
    trpc.personas.create.mutationOptions({
      meta: { inline: true },
      onSuccess: async (p) => {
        await afterSave(p);
        toast.success(`Persona "${p.name}" created`);
        await navigate({
          to: '/w/$workspaceId/personas/$personaId',
          params: { workspaceId: ws.id, personaId: p.id },
          replace: true,
        });
      },
    }),
  );
  const update = useMutation(
    trpc.personas.update.mutationOptions({
      meta: { inline: true },
      onSuccess: async (p) => {
        await afterSave(p);
        toast.success('Persona saved');
      },
    }),
  );
  const remove = useMutation(
    trpc.personas.delete.mutationOptions({
      onSuccess: async () => {
        toast.success('Persona deleted');
        await queryClient.invalidateQueries({ queryKey: trpc.personas.list.pathKey() });
        await navigate({ to: '/w/$workspaceId/personas', params: { workspaceId: ws.id } });
      },
    }),
  );
  const error = create.error ?? update.error;
  const isSaving = create.isPending || update.isPending;
  const form = useFormFields(
    () => ({
      name: persona?.name ?? '',
      description: persona?.description ?? '',
      systemPrompt: persona?.systemPrompt ?? '',
      traits: persona?.traits.join(', ') ?? '',
    }),
    error,
  );
  const { name, description, systemPrompt, traits } = form.values;
  const traitList = useMemo(() => parseTraits(traits), [traits]);
  const text = useMemo(
    () => ({ description, systemPrompt, traits: traitList.map((t) => t.slice(0, 40)) }),
    [description, systemPrompt, traitList],
  );
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const fields = { name, description, systemPrompt, traits: traitList };
    // An empty list asks the server to infer the specializations from the text.
    if (persona) update.mutate({ id: persona.id, ...fields, specializations: specs });
    else create.mutate({ ...fields, ...(specs.length ? { specializations: specs } : {}) });
  };

  return (
    <div className="page page-wide">
      <Breadcrumbs>
        <Link to="/w/$workspaceId/personas" params={{ workspaceId: ws.id }}>
          Personas
        </Link>
        <span>{persona ? persona.name : 'New persona'}</span>
      </Breadcrumbs>
      <PageHeader
        title={
          <>
            {persona ? persona.name : 'New persona'}{' '}
            {persona?.isBuiltIn ? <span className="badge badge-builtin">Built-in</span> : null}
          </>
        }
        description={
          <>
            {persona
              ? `Last changed ${formatDateTime(persona.updatedAt)}`
              : 'Describe what this persona is good at; specializations can be inferred.'}
          </>
        }
      />
      <div className="editor-layout">
        <form className="card form" onSubmit={submit} noValidate data-testid="persona-form">
          <FormError error={error} />
          <TextField
            {...form.bind('name', 'Name', 'persona-name')}
            readOnly={!canWrite}
            autoFocus={!persona}
            placeholder="Platform Engineer"
          />
          <TextAreaField
            {...form.bind('description', 'Description', 'persona-description')}
            hint="What the persona does, in a sentence or two. Suggestions below update as you type."
            rows={3}
            readOnly={!canWrite}
          />
          <TextAreaField
            {...form.bind('systemPrompt', 'System prompt', 'persona-prompt')}
            hint="Sent as the system message on every call (at least 10 characters)."
            className="input mono prompt-input"
            rows={12}
            readOnly={!canWrite}
            placeholder="You are a…"
          />
          <TextField
            {...form.bind('traits', 'Traits', 'persona-traits')}
            hint="Comma-separated, up to 12 (e.g. pragmatic, thorough, concise)."
            readOnly={!canWrite}
          />
          {traitList.length > 0 ? (
            <div className="spec-chips" aria-label="Traits">
              {traitList.map((t, i) => (
                <span key={`${i}:${t}`} className="chip">
                  {t}
                </span>
              ))}
            </div>
          ) : null}
          <SpecializationPicker
            value={specs}
            onChange={setSpecs}
            text={text}
            readOnly={!canWrite}
            error={fieldError(error, 'specializations')}
          />
          {canWrite ? (
            <div className="form-actions form-actions-split">
              <SubmitButton label={persona ? 'Save' : 'Create persona'} busy={isSaving} busyLabel="Saving…" />
              {persona && !persona.isBuiltIn ? (
                <ConfirmButton
                  label="Delete"
                  question={`Delete "${persona.name}"?`}
                  onConfirm={() => remove.mutate({ id: persona.id })}
                  testId="delete-persona"
                />
              ) : null}
              {persona?.isBuiltIn ? (
                <span className="muted small">Built-in personas can be edited but not deleted.</span>
              ) : null}
            </div>
          ) : (
            <p className="muted small">You can view this persona; editing needs the personas:write permission.</p>
          )}
        </form>
        <aside className="side-column">
          <PersonaStatsPanel persona={persona} />
          {persona && can(ws, 'llm:use') ? <TryPersonaPanel personaId={persona.id} /> : null}
          {!persona ? <p className="muted small side-note">Save the persona to try it out.</p> : null}
        </aside>
      </div>
    </div>
  );
}

/** `/w/$workspaceId/personas/$personaId` (`new` creates a persona). */
export function PersonaEditorPage() {
  const trpc = useTRPC();
  const ws = useWorkspace();
  const { personaId } = useParams({ from: '/w/$workspaceId/personas/$personaId' });
  const isNew = personaId === 'new';
  const persona = useQuery({ ...trpc.personas.get.queryOptions({ id: personaId }), enabled: !isNew });
  if (isNew)
    return can(ws, 'personas:write') ? (
      <PersonaEditor key="new" persona={null} />
    ) : (
      <EmptyState title="Creating personas needs the personas:write permission." />
    );
  if (persona.isPending) return <Loading />;
  if (persona.isError) {
    return (
      <LoadFailure error={persona.error} notFoundTitle="Persona not found">
        It may have been deleted.{' '}
        <Link to="/w/$workspaceId/personas" params={{ workspaceId: ws.id }}>
          Back to personas
        </Link>
      </LoadFailure>
    );
  }
  return <PersonaEditor key={persona.data.id} persona={persona.data} />;
}
