import { FormActions } from '../../../ui/FormActions.js';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import { useState, type FormEvent } from 'react';
import { fieldError } from '../../../lib/errors.js';
import { useTRPC } from '../../../lib/trpc.js';
import { stepTypeLabel } from '../workflows.js';
import { Field } from '../../../ui/Field.js';
import { FormError } from '../../../ui/FormError.js';
import { ProjectSelect } from '../../../ui/ProjectSelect.js';
import { useToast } from '../../../ui/Toasts.js';
import { useWorkspace } from '../../../lib/workspace-context.js';
import { TextField } from '../../../ui/TextField.js';
import { QueryStatus } from '../../../ui/QueryStatus.js';

/** "New from template": pick a built-in template and a project, then open the copy in the builder. */
export function NewFromTemplateForm({ defaultProjectId, onDone }: { defaultProjectId: string; onDone: () => void }) {
  const trpc = useTRPC();
  const ws = useWorkspace();
  const toast = useToast();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const templates = useQuery({ ...trpc.workflows.templates.queryOptions(), staleTime: Infinity });
  const [templateId, setTemplateId] = useState('');
  const [projectId, setProjectId] = useState(defaultProjectId);
  const [name, setName] = useState('');
  const template = templates.data?.find((t) => t.id === templateId);
  const create = useMutation(
    trpc.workflows.fromTemplate.mutationOptions({
      meta: { inline: true },
      onSuccess: async ({ id }) => {
        toast.success(`Workflow "${name.trim() || template?.name}" created`);
        await queryClient.invalidateQueries({ queryKey: trpc.workflows.list.pathKey() });
        onDone();
        await navigate({ to: '/w/$workspaceId/workflows/$workflowId', params: { workspaceId: ws.id, workflowId: id } });
      },
    }),
  );
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate({ templateId, projectId: projectId || null, ...(name.trim() ? { name: name.trim() } : {}) });
  };
  const templateError = fieldError(create.error, 'templateId');
  return (
    <form
      className="card form"
      onSubmit={submit}
      noValidate
      data-testid="template-form"
      aria-labelledby="template-form-title"
    >
      <h2 id="template-form-title">New workflow from a template</h2>
      <FormError error={create.error} />
      <QueryStatus query={templates} />
      <fieldset className="template-choices">
        <legend>Template</legend>
        {templates.data?.map((t) => (
          <label
            key={t.id}
            className={`template-choice${t.id === templateId ? ' selected' : ''}`}
            data-testid="template-choice"
          >
            <input
              type="radio"
              name="template"
              value={t.id}
              checked={t.id === templateId}
              onChange={() => setTemplateId(t.id)}
              aria-describedby={`template-${t.id}-summary`}
            />
            <span className="template-body">
              <span className="template-name">{t.name}</span>
              <span className="muted small" id={`template-${t.id}-summary`}>
                {t.summary}
              </span>
              <span className="template-steps">
                {t.steps.map((s, i) => (
                  <span key={s.name} className="chip">
                    {i + 1}. {s.name} <span className="muted">· {stepTypeLabel(s.type ?? 'llm')}</span>
                  </span>
                ))}
              </span>
            </span>
          </label>
        ))}
        {templateError ? (
          <p className="field-error" role="alert">
            {templateError}
          </p>
        ) : null}
      </fieldset>
      <div className="form-grid">
        <Field
          label="Project"
          htmlFor="template-project"
          error={fieldError(create.error, 'projectId')}
          hint="The templates’ review steps record insights in this project."
        >
          <ProjectSelect id="template-project" value={projectId} onChange={setProjectId} />
        </Field>
        <TextField
          label="Name (optional)"
          id="template-name"
          error={fieldError(create.error, 'name')}
          value={name}
          onChange={setName}
          placeholder={template?.name ?? 'The template’s name'}
        />
      </div>
      <FormActions
        label="Create workflow"
        busy={create.isPending}
        busyLabel="Creating…"
        disabled={!templateId}
        onCancel={onDone}
      />
    </form>
  );
}
