import { bindDraft } from '../../../lib/use-form-fields.js';
import { useState } from 'react';
import {
  stepTypes,
  referencesSteps,
  type CategoryId,
  type StepDraft,
  type StepType,
  type ValidationIssue,
} from '../workflows.js';
import { ConfirmButton } from '../../../ui/ConfirmButton.js';
import { Field } from '../../../ui/Field.js';
import { PromptEditor } from './PromptEditor.js';
import { useCategories } from '../../personas/components/SpecializationChips.js';
import { settingsFields, StepModelSettings } from './StepModelSettings.js';
import { PersonaSelect, type PersonaOption, type ProviderOption } from './WorkflowPickers.js';
import { TextField } from '../../../ui/TextField.js';
import { OptionSelect } from '../../../ui/OptionSelect.js';

const MAX_CATEGORIES = 5;

interface StepEditorProps {
  step: StepDraft;
  index: number;
  count: number;
  /** Names of the steps before this one (fan-out sources). */
  earlierNames: readonly string[];
  variables: readonly string[];
  /** Live template issues of this step. */
  issues: readonly ValidationIssue[];
  /** A save error of this step's field (`name`, `prompt`, …). */
  errorOf: (field: string) => string | undefined;
  personas: readonly PersonaOption[];
  providers: readonly ProviderOption[];
  readOnly: boolean;
  onChange: (patch: Partial<StepDraft>) => void;
  onMove: (delta: -1 | 1) => void;
  onRemove: () => void;
}

const isSourceIssue = (i: ValidationIssue) => /^Fan-out /.test(i.message);

/** One step of the builder: name, type, persona, prompt, fan-out source, model settings. */
export function StepEditor({
  step,
  index,
  count,
  earlierNames,
  variables,
  issues,
  errorOf,
  personas,
  providers,
  readOnly,
  onChange,
  onMove,
  onRemove,
}: StepEditorProps) {
  const categories = useCategories();
  const [isAdvancedOpen, setIsAdvancedOpen] = useState(false);
  const idPrefix = `step-${step.key}`;
  const id = (f: string) => `${idPrefix}-${f}`;
  const bind = bindDraft(step, onChange, errorOf);
  const title = step.name.trim() || `Step ${index + 1}`;
  const isFanOut = step.type === 'fan_out';
  const promptIssues = issues.filter((i) => i.field.endsWith('.prompt') && !isSourceIssue(i));
  const sourceIssue = issues.find((i) => i.field.endsWith('.prompt') && isSourceIssue(i));
  const nameIssue = issues.find((i) => i.field.endsWith('.name'));
  const hasSettingsError = settingsFields.some((f) => errorOf(f));
  const toggleCategory = (c: CategoryId) =>
    onChange({
      requiredCategories: step.requiredCategories.includes(c)
        ? step.requiredCategories.filter((x) => x !== c)
        : [...step.requiredCategories, c],
    });
  const isAutoContext = index > 0 && !isFanOut && !referencesSteps(step.prompt);
  const sourceError = errorOf('fanOutSource') ?? sourceIssue?.message;
  const savedPromptError = promptIssues.length ? undefined : errorOf('prompt');

  return (
    <article className="card step-card" data-testid="step-card" aria-labelledby={id('title')}>
      <header className="step-head">
        <span className="step-number" aria-hidden="true">
          {index + 1}
        </span>
        <h3 id={id('title')} className="step-title">
          <span className="sr-only">Step {index + 1}: </span>
          {title}
        </h3>
        <span className={`chip chip-steptype steptype-${step.type}`}>
          {stepTypes.find((t) => t.id === step.type)?.label}
        </span>
        {!readOnly ? (
          <div className="step-actions">
            <button
              type="button"
              className="btn btn-sm btn-ghost"
              onClick={() => onMove(-1)}
              disabled={index === 0}
              aria-label={`Move ${title} up`}
              title="Move up"
            >
              ↑
            </button>
            <button
              type="button"
              className="btn btn-sm btn-ghost"
              onClick={() => onMove(1)}
              disabled={index === count - 1}
              aria-label={`Move ${title} down`}
              title="Move down"
            >
              ↓
            </button>
            <ConfirmButton
              small
              label="Remove"
              question={`Remove ${title}?`}
              onConfirm={onRemove}
              disabled={count === 1}
            />
          </div>
        ) : null}
      </header>
      <div className="form-grid">
        <TextField
          label="Step name"
          id={id('name')}
          error={errorOf('name') ?? nameIssue?.message}
          hint={
            <>
              Later steps use <code>{`{{steps.${step.name || 'Name'}.content}}`}</code>
            </>
          }
          value={step.name}
          onChange={(value) => onChange({ name: value })}
          readOnly={readOnly}
        />
        <Field
          label="Type"
          htmlFor={id('type')}
          error={errorOf('type')}
          hint={stepTypes.find((t) => t.id === step.type)?.hint}
        >
          <select
            id={id('type')}
            className="input"
            value={step.type}
            onChange={(e) => onChange({ type: e.target.value as StepType })}
            disabled={readOnly}
          >
            {stepTypes.map((t) => (
              <option key={t.id} value={t.id}>
                {t.label}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Persona" htmlFor={id('persona')} error={errorOf('personaId')}>
          <PersonaSelect
            id={id('persona')}
            value={step.personaId}
            onChange={(personaId) => onChange({ personaId })}
            emptyLabel="Auto (best match for the categories)"
            disabled={readOnly}
            personas={personas}
          />
        </Field>
      </div>
      {step.personaId === '' ? (
        <div className={`field${errorOf('requiredCategories') ? ' field-invalid' : ''}`}>
          <span className="field-label" id={id('categories-label')}>
            Categories for the persona{' '}
            <span className="muted">(up to {MAX_CATEGORIES}; none = the workflow’s default persona)</span>
          </span>
          <div className="chip-toggles" role="group" aria-labelledby={id('categories-label')}>
            {categories.list.map((c) => {
              const isOn = step.requiredCategories.includes(c.id);
              return (
                <button
                  key={c.id}
                  type="button"
                  className={`chip-toggle chip-toggle-sm${isOn ? ' on' : ''}`}
                  aria-pressed={isOn}
                  disabled={readOnly || (!isOn && step.requiredCategories.length >= MAX_CATEGORIES)}
                  onClick={() => toggleCategory(c.id)}
                >
                  {c.label}
                </button>
              );
            })}
          </div>
          {errorOf('requiredCategories') ? <p className="field-error">{errorOf('requiredCategories')}</p> : null}
        </div>
      ) : null}
      {isFanOut ? (
        <div className="form-grid">
          <Field
            label="Items from step"
            htmlFor={id('source')}
            error={sourceError}
            hint="Its output lists the items: a JSON array, or one per line."
          >
            <OptionSelect
              id={id('source')}
              value={step.fanOutSource}
              onChange={(fanOutSource) => onChange({ fanOutSource })}
              disabled={readOnly}
              emptyLabel="Pick an earlier step…"
              options={[...new Set([...earlierNames, ...(step.fanOutSource ? [step.fanOutSource] : [])])]}
            />
          </Field>
          <TextField
            {...bind('concurrency', 'Concurrency', id('concurrency'))}
            hint="Items run at once (1–8)."
            type="number"
            min={1}
            max={8}
            readOnly={readOnly}
          />
        </div>
      ) : null}
      <PromptEditor
        id={id('prompt')}
        label="Prompt"
        value={step.prompt}
        onChange={(prompt) => onChange({ prompt })}
        variables={variables}
        issues={promptIssues}
        error={savedPromptError}
        readOnly={readOnly}
        hint="Type {{ for the variables this step can use."
      />
      {isAutoContext ? (
        <p className="step-note" data-testid="auto-context-note">
          No earlier step referenced: the previous step&rsquo;s output is passed as context automatically.
        </p>
      ) : null}
      <details
        className="step-advanced"
        open={isAdvancedOpen || hasSettingsError}
        onToggle={(e) => setIsAdvancedOpen(e.currentTarget.open)}
      >
        <summary>
          Model and limits
          <span className="muted small">
            {' '}
            · {step.provider || 'default provider'}
            {step.compareProviders.length ? ` · compared with ${step.compareProviders.join(', ')}` : ''} ·{' '}
            {step.retries || '1'} retr{step.retries === '1' ? 'y' : 'ies'}
          </span>
        </summary>
        <StepModelSettings
          idPrefix={idPrefix}
          step={step}
          providers={providers}
          errorOf={errorOf}
          readOnly={readOnly}
          onChange={onChange}
        />
      </details>
    </article>
  );
}
