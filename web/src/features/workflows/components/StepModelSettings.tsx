import { bindDraft } from '../../../lib/use-form-fields.js';
import type { StepDraft } from '../workflows.js';
import { Field } from '../../../ui/Field.js';
import { ModelInput, providerNames as namesOf, ProviderSelect, type ProviderOption } from './WorkflowPickers.js';
import { TextField } from '../../../ui/TextField.js';

interface StepModelSettingsProps {
  idPrefix: string;
  step: StepDraft;
  providers: readonly ProviderOption[];
  /** The error of a step field (`provider`, `temperature`, …). */
  errorOf: (field: string) => string | undefined;
  readOnly: boolean;
  onChange: (patch: Partial<StepDraft>) => void;
}

export const settingsFields = [
  'provider',
  'model',
  'compareProviders',
  'temperature',
  'maxTokens',
  'retries',
  'timeoutSeconds',
  'digest',
] as const;
const MAX_COMPARE = 3;

/** Per-step overrides: provider and model, providers to compare with, sampling and limits. */
export function StepModelSettings({ idPrefix, step, providers, errorOf, readOnly, onChange }: StepModelSettingsProps) {
  const id = (f: string) => `${idPrefix}-${f}`;
  const bind = bindDraft(step, onChange, errorOf);
  const toggleCompare = (name: string) =>
    onChange({
      compareProviders: step.compareProviders.includes(name)
        ? step.compareProviders.filter((p) => p !== name)
        : [...step.compareProviders, name],
    });
  const providerNames = namesOf(providers, [step.provider, ...step.compareProviders]);
  return (
    <div className="step-settings">
      <div className="form-grid">
        <Field label="Provider" htmlFor={id('provider')} error={errorOf('provider')}>
          <ProviderSelect
            id={id('provider')}
            value={step.provider}
            onChange={(provider) => onChange({ provider })}
            emptyLabel="Workflow / workspace default"
            disabled={readOnly}
            names={providerNames}
          />
        </Field>
        <Field label="Model" htmlFor={id('model')} error={errorOf('model')}>
          <ModelInput
            id={id('model')}
            value={step.model}
            onChange={(model) => onChange({ model })}
            provider={step.provider}
            providers={providers}
            readOnly={readOnly}
          />
        </Field>
        <TextField
          {...bind('temperature', 'Temperature', id('temperature'))}
          type="number"
          min={0}
          max={2}
          step={0.1}
          readOnly={readOnly}
          placeholder="Default"
        />
        <TextField
          {...bind('maxTokens', 'Max tokens', id('maxTokens'))}
          type="number"
          min={16}
          max={32000}
          step={1}
          readOnly={readOnly}
          placeholder="Default"
        />
        <TextField
          {...bind('retries', 'Retries', id('retries'))}
          hint="Extra attempts after a failure (0–5)."
          type="number"
          min={0}
          max={5}
          step={1}
          readOnly={readOnly}
        />
        <TextField
          {...bind('timeoutSeconds', 'Timeout (seconds)', id('timeoutSeconds'))}
          type="number"
          min={5}
          max={3600}
          step={1}
          readOnly={readOnly}
        />
      </div>
      <div className={`field${errorOf('compareProviders') ? ' field-invalid' : ''}`}>
        <span className="field-label" id={id('compare-label')}>
          Compare with <span className="muted">(up to {MAX_COMPARE} more providers, side by side)</span>
        </span>
        <div className="chip-toggles" role="group" aria-labelledby={id('compare-label')}>
          {providerNames.map((n) => {
            const isOn = step.compareProviders.includes(n);
            return (
              <button
                key={n}
                type="button"
                className={`chip-toggle${isOn ? ' on' : ''}`}
                aria-pressed={isOn}
                disabled={readOnly || (!isOn && step.compareProviders.length >= MAX_COMPARE)}
                onClick={() => toggleCompare(n)}
              >
                {n}
              </button>
            );
          })}
        </div>
        {errorOf('compareProviders') ? (
          <p className="field-error" role="alert">
            {errorOf('compareProviders')}
          </p>
        ) : null}
      </div>
      <label className="check">
        <input
          type="checkbox"
          checked={step.digest}
          onChange={(e) => onChange({ digest: e.target.checked })}
          disabled={readOnly}
        />
        Digest long output{' '}
        <span className="muted small">
          (later steps’ <code>content</code> gets a summary above 2,000 characters)
        </span>
      </label>
    </div>
  );
}
