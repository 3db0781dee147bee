import type { WorkflowDraft } from '../lib/workflows.js';
import { Field } from './Field.js';
import { ProjectSelect } from './ProjectSelect.js';
import type { ProviderOption } from './StepModelSettings.js';

interface WorkflowFieldsProps {
  draft: WorkflowDraft;
  onChange: (patch: Partial<WorkflowDraft>) => void;
  errorOf: (field: string) => string | undefined;
  personas: readonly { id: string; name: string }[];
  providers: readonly ProviderOption[];
  readOnly: boolean;
}

/** The workflow's own fields: name, description, project and the defaults every step inherits. */
export function WorkflowFields({ draft, onChange, errorOf, personas, providers, readOnly }: WorkflowFieldsProps) {
  const provider = providers.find((p) => p.name === draft.defaultProvider);
  const providerNames = [...new Set([...providers.map((p) => p.name), ...(draft.defaultProvider ? [draft.defaultProvider] : [])])];
  return (
    <section className="card form" aria-labelledby="workflow-fields-title">
      <h2 id="workflow-fields-title" className="sr-only">
        Workflow
      </h2>
      <div className="form-grid form-grid-2">
        <Field label="Workflow name" htmlFor="wf-name" error={errorOf('name')}>
          <input id="wf-name" className="input" value={draft.name} onChange={(e) => onChange({ name: e.target.value })} readOnly={readOnly} placeholder="Security review" />
        </Field>
        <Field label="Project" htmlFor="wf-project" error={errorOf('projectId')} hint="Review steps store their insights in this project.">
          <ProjectSelect id="wf-project" value={draft.projectId} onChange={(projectId) => onChange({ projectId })} emptyLabel="No project" disabled={readOnly} />
        </Field>
      </div>
      <Field label="Description" htmlFor="wf-description" error={errorOf('description')}>
        <textarea id="wf-description" className="input" rows={2} value={draft.description} onChange={(e) => onChange({ description: e.target.value })} readOnly={readOnly} />
      </Field>
      <div className="form-grid">
        <Field label="Default persona" htmlFor="wf-persona" error={errorOf('defaultPersonaIds')} hint="For steps without a persona or a category match.">
          <select id="wf-persona" className="input" value={draft.defaultPersonaId} onChange={(e) => onChange({ defaultPersonaId: e.target.value })} disabled={readOnly}>
            <option value="">None (a generic engineer)</option>
            {personas.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Default provider" htmlFor="wf-provider" error={errorOf('defaultProvider')}>
          <select id="wf-provider" className="input" value={draft.defaultProvider} onChange={(e) => onChange({ defaultProvider: e.target.value })} disabled={readOnly}>
            <option value="">Workspace default (fallback order)</option>
            {providerNames.map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Default model" htmlFor="wf-model" error={errorOf('defaultModel')}>
          <input id="wf-model" className="input" value={draft.defaultModel} onChange={(e) => onChange({ defaultModel: e.target.value })} readOnly={readOnly} placeholder={provider?.defaultModel ?? 'Provider default'} />
        </Field>
      </div>
    </section>
  );
}
