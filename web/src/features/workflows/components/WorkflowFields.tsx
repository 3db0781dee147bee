import { bindDraft } from '../../../lib/use-form-fields.js';
import { usesMemory, type WorkflowDraft } from '../workflows.js';
import { Field } from '../../../ui/Field.js';
import { LinkedInsightsField } from './LinkedInsightsField.js';
import { ProjectSelect } from '../../../ui/ProjectSelect.js';
import {
  ModelInput,
  PersonaSelect,
  providerNames,
  ProviderSelect,
  type PersonaOption,
  type ProviderOption,
} from './WorkflowPickers.js';
import { TextField, TextAreaField } from '../../../ui/TextField.js';

interface WorkflowFieldsProps {
  draft: WorkflowDraft;
  onChange: (patch: Partial<WorkflowDraft>) => void;
  errorOf: (field: string) => string | undefined;
  personas: readonly PersonaOption[];
  providers: readonly ProviderOption[];
  readOnly: boolean;
}

/** The workflow's own fields: name, description, project, the defaults every step inherits and the linked insights. */
export function WorkflowFields({ draft, onChange, errorOf, personas, providers, readOnly }: WorkflowFieldsProps) {
  const bind = bindDraft(draft, onChange, errorOf);
  return (
    <section className="card form" aria-labelledby="workflow-fields-title">
      <h2 id="workflow-fields-title" className="sr-only">
        Workflow
      </h2>
      <div className="form-grid form-grid-2">
        <TextField {...bind('name', 'Workflow name', 'wf-name')} readOnly={readOnly} placeholder="Security review" />
        <Field
          label="Project"
          htmlFor="wf-project"
          error={errorOf('projectId')}
          hint="Review steps store their insights in this project."
        >
          <ProjectSelect
            id="wf-project"
            value={draft.projectId}
            onChange={(projectId) => onChange({ projectId })}
            emptyLabel="No project"
            disabled={readOnly}
          />
        </Field>
      </div>
      <TextAreaField {...bind('description', 'Description', 'wf-description')} rows={2} readOnly={readOnly} />
      <div className="form-grid">
        <Field
          label="Default persona"
          htmlFor="wf-persona"
          error={errorOf('defaultPersonaIds')}
          hint="For steps without a persona or a category match."
        >
          <PersonaSelect
            id="wf-persona"
            value={draft.defaultPersonaId}
            onChange={(defaultPersonaId) => onChange({ defaultPersonaId })}
            emptyLabel="None (a generic engineer)"
            disabled={readOnly}
            personas={personas}
          />
        </Field>
        <Field label="Default provider" htmlFor="wf-provider" error={errorOf('defaultProvider')}>
          <ProviderSelect
            id="wf-provider"
            value={draft.defaultProvider}
            onChange={(defaultProvider) => onChange({ defaultProvider })}
            emptyLabel="Workspace default (fallback order)"
            disabled={readOnly}
            names={providerNames(providers, [draft.defaultProvider])}
          />
        </Field>
        <Field label="Default model" htmlFor="wf-model" error={errorOf('defaultModel')}>
          <ModelInput
            id="wf-model"
            value={draft.defaultModel}
            onChange={(defaultModel) => onChange({ defaultModel })}
            provider={draft.defaultProvider}
            providers={providers}
            readOnly={readOnly}
          />
        </Field>
      </div>
      <LinkedInsightsField
        ids={draft.memoryInsightIds}
        onChange={(memoryInsightIds) => onChange({ memoryInsightIds })}
        errorOf={errorOf}
        isUsed={draft.steps.some((s) => usesMemory(s.prompt))}
        readOnly={readOnly}
      />
    </section>
  );
}
