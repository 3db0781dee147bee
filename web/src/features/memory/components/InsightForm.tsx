import { FormActions } from '../../../ui/FormActions.js';
import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { fieldError } from '../../../lib/errors.js';
import { useTRPC } from '../../../lib/trpc.js';
import { Field } from '../../../ui/Field.js';
import { FormError } from '../../../ui/FormError.js';
import {
  capitalize,
  insightTypes,
  severities,
  typeLabel,
  useRefreshMemory,
  type Insight,
  type InsightType,
  type Severity,
} from './MemoryLabels.js';
import { ProjectSelect } from '../../../ui/ProjectSelect.js';
import { useToast } from '../../../ui/Toasts.js';
import { TextField, TextAreaField } from '../../../ui/TextField.js';

interface InsightFormProps {
  /** The insight to edit; without one the form creates an insight. */
  insight?: Insight;
  /** The project a new insight starts in (the current filter). */
  defaultProjectId?: string;
  onDone: () => void;
}

/** Creates an insight by hand, or edits one inline (the project of an insight is fixed). */
export function InsightForm({ insight, defaultProjectId = '', onDone }: InsightFormProps) {
  const trpc = useTRPC();
  const toast = useToast();
  const refresh = useRefreshMemory();
  const [projectId, setProjectId] = useState(insight?.projectId ?? defaultProjectId);
  const [type, setType] = useState<InsightType>(insight?.type ?? 'pain_point');
  const [severity, setSeverity] = useState<Severity>(insight?.severity ?? 'medium');
  const [category, setCategory] = useState(insight?.category ?? 'general');
  const [title, setTitle] = useState(insight?.title ?? '');
  const [detail, setDetail] = useState(insight?.detail ?? '');
  const [suggestion, setSuggestion] = useState(insight?.suggestion ?? '');
  const afterSave = async (i: Insight, verb: string) => {
    await refresh();
    toast.success(`Insight ${verb}`);
    if (i.embeddingError)
      toast.error(`Embedding failed: ${i.embeddingError}. It is found by keywords until a backfill.`);
    onDone();
  };
  const create = useMutation(
    trpc.insights.create.mutationOptions({ meta: { inline: true }, onSuccess: (i) => afterSave(i, 'created') }),
  );
  const update = useMutation(
    trpc.insights.update.mutationOptions({ meta: { inline: true }, onSuccess: (i) => afterSave(i, 'saved') }),
  );
  const error = create.error ?? update.error;
  const isSaving = create.isPending || update.isPending;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const fields = { type, severity, category: category.trim() || 'general', title, detail, suggestion };
    if (insight) update.mutate({ id: insight.id, ...fields });
    else create.mutate({ projectId, ...fields });
  };
  const id = insight ? `insight-${insight.id.slice(0, 8)}` : 'new-insight';
  return (
    <form
      className={`form${insight ? ' insight-edit' : ' card'}`}
      onSubmit={submit}
      noValidate
      data-testid={insight ? 'insight-edit-form' : 'new-insight-form'}
    >
      {insight ? null : (
        <div>
          <h2>New insight</h2>
          <p className="muted small">
            Insights normally come from workflow runs; add one by hand to capture a finding (a pain point, its solution,
            a decision…). New insights start as proposed.
          </p>
        </div>
      )}
      <FormError error={error} />
      <div className="form-grid">
        {insight ? null : (
          <Field label="Project" htmlFor={`${id}-project`} error={fieldError(error, 'projectId')}>
            <ProjectSelect id={`${id}-project`} value={projectId} onChange={setProjectId} />
          </Field>
        )}
        <Field label="Type" htmlFor={`${id}-type`} error={fieldError(error, 'type')}>
          <select
            id={`${id}-type`}
            className="input"
            value={type}
            onChange={(e) => setType(e.target.value as InsightType)}
          >
            {insightTypes.map((t) => (
              <option key={t} value={t}>
                {typeLabel(t)}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Severity" htmlFor={`${id}-severity`} error={fieldError(error, 'severity')}>
          <select
            id={`${id}-severity`}
            className="input"
            value={severity}
            onChange={(e) => setSeverity(e.target.value as Severity)}
          >
            {severities.map((s) => (
              <option key={s} value={s}>
                {capitalize(s)}
              </option>
            ))}
          </select>
        </Field>
        <TextField
          label="Category"
          id={`${id}-category`}
          error={fieldError(error, 'category')}
          value={category}
          onChange={setCategory}
          placeholder="ci, security, performance…"
          maxLength={60}
        />
      </div>
      <TextField
        label="Title"
        id={`${id}-title`}
        error={fieldError(error, 'title')}
        value={title}
        onChange={setTitle}
        maxLength={300}
        autoFocus={!insight}
      />
      <TextAreaField
        label="Detail"
        id={`${id}-detail`}
        error={fieldError(error, 'detail')}
        hint="What happened, where, and why it matters."
        rows={3}
        value={detail}
        onChange={setDetail}
      />
      <TextAreaField
        label="Suggestion"
        id={`${id}-suggestion`}
        error={fieldError(error, 'suggestion')}
        hint="What to do about it (optional)."
        rows={2}
        value={suggestion}
        onChange={setSuggestion}
      />
      <FormActions label={insight ? 'Save' : 'Create insight'} busy={isSaving} busyLabel="Saving…" onCancel={onDone} />
    </form>
  );
}
