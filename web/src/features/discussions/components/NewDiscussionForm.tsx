import { FormActions } from '../../../ui/FormActions.js';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import { useState, type FormEvent } from 'react';
import { can } from '../../../lib/access.js';
import {
  isLanguageCode,
  languageCodes,
  languageNames,
  MAX_PARTICIPANTS,
  modes,
  type CreateDiscussionInput,
  type DiscussionMode,
} from '../discussions.js';
import { useFieldErrors } from '../../../lib/errors.js';
import { useTRPC } from '../../../lib/trpc.js';
import { Field } from '../../../ui/Field.js';
import { FormError } from '../../../ui/FormError.js';
import { ProjectSelect } from '../../../ui/ProjectSelect.js';
import { useToast } from '../../../ui/Toasts.js';
import { useWorkspace } from '../../../lib/workspace-context.js';
import { newParticipant, ParticipantsEditor, type ParticipantDraft } from './ParticipantsEditor.js';
import { TextField, TextAreaField } from '../../../ui/TextField.js';
import { OptionSelect } from '../../../ui/OptionSelect.js';

/** Rows for `mode`: single keeps the first participant; the others need two. */
function rowsFor(mode: DiscussionMode, rows: readonly ParticipantDraft[]): ParticipantDraft[] {
  if (mode === 'single') return rows.slice(0, 1);
  return rows.length >= 2 ? [...rows] : [...rows, ...Array.from({ length: 2 - rows.length }, newParticipant)];
}

/** "New discussion": title, project, mode, participants, rounds, language and the opening message. */
export function NewDiscussionForm({ defaultProjectId, onCancel }: { defaultProjectId: string; onCancel: () => void }) {
  const trpc = useTRPC();
  const ws = useWorkspace();
  const toast = useToast();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [title, setTitle] = useState('');
  const [projectId, setProjectId] = useState(defaultProjectId);
  const [mode, setMode] = useState<DiscussionMode>('parallel');
  const [rows, setRows] = useState<ParticipantDraft[]>(() => [newParticipant(), newParticipant()]);
  const [rounds, setRounds] = useState(2);
  const [language, setLanguage] = useState('');
  const [message, setMessage] = useState('');
  const personas = useQuery({
    ...trpc.personas.list.queryOptions(projectId ? { projectId } : {}),
    enabled: can(ws, 'personas:read'),
  });
  const providers = useQuery({ ...trpc.llm.providers.queryOptions(), enabled: can(ws, 'llm:use') });
  const create = useMutation(
    trpc.discussions.create.mutationOptions({
      meta: { inline: true },
      onSuccess: async ({ id }) => {
        toast.success(`Discussion "${title.trim()}" started`);
        await queryClient.invalidateQueries({ queryKey: trpc.discussions.list.pathKey() });
        await navigate({
          to: '/w/$workspaceId/discussions/$discussionId',
          params: { workspaceId: ws.id, discussionId: id },
        });
      },
    }),
  );
  const changeMode = (m: DiscussionMode) => {
    setMode(m);
    setRows((r) => rowsFor(m, r));
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const input: CreateDiscussionInput = {
      title,
      projectId: projectId || null,
      mode,
      participants: rows.map((r) => ({
        personaId: r.personaId || null,
        provider: r.provider || null,
        model: r.model.trim() || null,
      })),
      language: isLanguageCode(language) ? language : null,
      ...(mode === 'consensus' ? { consensusRounds: rounds } : {}),
      ...(message.trim() ? { message } : {}),
    };
    create.mutate(input);
  };
  const fields = useFieldErrors(create.error);
  const err = fields.error;
  const isBusy = create.isPending;
  return (
    <form
      className="card form new-discussion"
      onSubmit={submit}
      noValidate
      data-testid="new-discussion-form"
      aria-labelledby="new-discussion-title"
    >
      <h2 id="new-discussion-title">New discussion</h2>
      <FormError
        error={create.error}
        fields={['title', 'projectId', 'mode', 'participants', 'consensusRounds', 'language', 'message']}
      />
      <div className="form-grid">
        <TextField
          label="Title"
          id="discussion-title"
          error={err('title')}
          value={title}
          onChange={(value) => {
            setTitle(value);
            fields.touch('title');
          }}
          maxLength={200}
          placeholder="e.g. Should we shard the orders table?"
          autoFocus
        />
        <Field
          label="Project (optional)"
          htmlFor="discussion-project"
          error={err('projectId')}
          hint="Participants see the project’s approved insights; its personas become available."
        >
          <ProjectSelect id="discussion-project" value={projectId} onChange={setProjectId} emptyLabel="No project" />
        </Field>
      </div>
      <fieldset className={`mode-choices${err('mode') ? ' field-invalid' : ''}`}>
        <legend>Mode</legend>
        {modes.map((m) => (
          <label key={m.id} className={`mode-choice${m.id === mode ? ' selected' : ''}`}>
            <input
              type="radio"
              name="discussion-mode"
              value={m.id}
              checked={m.id === mode}
              onChange={() => changeMode(m.id)}
              aria-describedby={`mode-${m.id}-hint`}
            />
            <span className="mode-body">
              <span className="mode-name">{m.label}</span>
              <span className="muted small" id={`mode-${m.id}-hint`}>
                {m.hint}
              </span>
            </span>
          </label>
        ))}
      </fieldset>
      <ParticipantsEditor
        rows={rows}
        onChange={setRows}
        max={mode === 'single' ? 1 : MAX_PARTICIPANTS}
        min={mode === 'single' ? 1 : 2}
        personas={personas.data ?? []}
        providers={providers.data ?? []}
        errorOf={err}
        disabled={isBusy}
      />
      <div className="form-grid">
        {mode === 'consensus' ? (
          <Field
            label="Rounds"
            htmlFor="discussion-rounds"
            error={err('consensusRounds')}
            hint="Each participant speaks once per round; then a synthesis."
          >
            <select
              id="discussion-rounds"
              className="input"
              value={rounds}
              onChange={(e) => setRounds(Number(e.target.value))}
            >
              {[1, 2, 3, 4, 5].map((n) => (
                <option key={n} value={n}>
                  {n} {n === 1 ? 'round' : 'rounds'}
                </option>
              ))}
            </select>
          </Field>
        ) : null}
        <Field
          label="Language"
          htmlFor="discussion-language"
          error={err('language')}
          hint="Auto-detect answers in the language of your messages."
        >
          <OptionSelect
            id="discussion-language"
            value={language}
            onChange={setLanguage}
            emptyLabel="Auto-detect"
            options={languageCodes}
            optionLabel={(c) => languageNames[c]}
          />
        </Field>
      </div>
      <TextAreaField
        label="Opening message (optional)"
        id="discussion-message"
        error={err('message')}
        hint="The participants start answering it at once."
        rows={4}
        value={message}
        onChange={(value) => {
          setMessage(value);
          fields.touch('message');
        }}
        maxLength={20_000}
      />
      <FormActions label="Start discussion" busy={isBusy} busyLabel="Starting…" onCancel={onCancel} />
    </form>
  );
}
