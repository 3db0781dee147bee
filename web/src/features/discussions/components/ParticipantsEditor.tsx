import { MAX_PARTICIPANTS } from '../discussions.js';
import {
  ModelInput,
  PersonaSelect,
  ProviderSelect,
  type PersonaOption,
  type ProviderOption,
} from '../../workflows/components/WorkflowPickers.js';

/** A participant as edited: text inputs stay strings ('' = none / the default). */
export interface ParticipantDraft {
  /** A stable React key. */
  rowId: number;
  personaId: string;
  provider: string;
  model: string;
}

let nextRowId = 1;
export const newParticipant = (): ParticipantDraft => ({ rowId: nextRowId++, personaId: '', provider: '', model: '' });

interface ParticipantsEditorProps {
  rows: readonly ParticipantDraft[];
  onChange: (rows: ParticipantDraft[]) => void;
  /** At most this many rows (1 in single mode). */
  max: number;
  min: number;
  personas: readonly PersonaOption[];
  providers: readonly ProviderOption[];
  /** The server's error for a field (`participants`, `participants.0.provider`, …). */
  errorOf: (field: string) => string | undefined;
  disabled: boolean;
}

function RowError({ id, error }: { id: string; error: string | undefined }) {
  return error ? (
    <p className="field-error" id={`${id}-error`} role="alert">
      {error}
    </p>
  ) : null;
}

/** The participants: persona (optional), provider (the workspace default or a configured one) and model, one row each. */
export function ParticipantsEditor({
  rows,
  onChange,
  max,
  min,
  personas,
  providers,
  errorOf,
  disabled,
}: ParticipantsEditorProps) {
  const patch = (i: number, p: Partial<ParticipantDraft>) =>
    onChange(rows.map((r, j) => (j === i ? { ...r, ...p } : r)));
  const listError = errorOf('participants');
  const names = providers.map((p) => p.name);
  return (
    <fieldset
      className={`participants${listError ? ' field-invalid' : ''}`}
      data-testid="participants-editor"
      aria-describedby={listError ? 'participants-error' : undefined}
    >
      <legend>Participants</legend>
      <ol className="participant-rows">
        {rows.map((r, i) => {
          const base = `participant-${i}`;
          const errors = {
            persona: errorOf(`participants.${i}.personaId`),
            provider: errorOf(`participants.${i}.provider`),
            model: errorOf(`participants.${i}.model`),
          };
          return (
            <li key={r.rowId} className={`participant-row lane-p${i + 1}`}>
              <fieldset
                className="participant-fields"
                aria-label={`Participant ${i + 1}`}
                data-testid="participant-row"
              >
                <span className="participant-n" aria-hidden="true">
                  {i + 1}
                </span>
                <div className={`field${errors.persona ? ' field-invalid' : ''}`}>
                  <label htmlFor={`${base}-persona`}>Persona</label>
                  <PersonaSelect
                    id={`${base}-persona`}
                    value={r.personaId}
                    onChange={(personaId) => patch(i, { personaId })}
                    emptyLabel="No persona"
                    disabled={disabled}
                    personas={personas}
                  />
                  <RowError id={`${base}-persona`} error={errors.persona} />
                </div>
                <div className={`field${errors.provider ? ' field-invalid' : ''}`}>
                  <label htmlFor={`${base}-provider`}>Provider</label>
                  <ProviderSelect
                    id={`${base}-provider`}
                    value={r.provider}
                    onChange={(provider) => patch(i, { provider })}
                    emptyLabel="Workspace default"
                    disabled={disabled}
                    names={names}
                  />
                  <RowError id={`${base}-provider`} error={errors.provider} />
                </div>
                <div className={`field${errors.model ? ' field-invalid' : ''}`}>
                  <label htmlFor={`${base}-model`}>Model (optional)</label>
                  <ModelInput
                    id={`${base}-model`}
                    value={r.model}
                    onChange={(model) => patch(i, { model })}
                    provider={r.provider}
                    providers={providers}
                    readOnly={disabled}
                  />
                  <RowError id={`${base}-model`} error={errors.model} />
                </div>
                <button
                  type="button"
                  className="btn btn-sm btn-ghost participant-remove"
                  onClick={() => onChange(rows.filter((_, j) => j !== i))}
                  disabled={disabled || rows.length <= min}
                  aria-label={`Remove participant ${i + 1}`}
                  title="Remove"
                >
                  ×
                </button>
              </fieldset>
            </li>
          );
        })}
      </ol>
      {listError ? (
        <p className="field-error" id="participants-error" role="alert">
          {listError}
        </p>
      ) : null}
      <div className="participants-bar">
        <button
          type="button"
          className="btn btn-sm"
          onClick={() => onChange([...rows, newParticipant()])}
          disabled={disabled || rows.length >= max}
        >
          + Add participant
        </button>
        <span className="muted small">
          {rows.length}/{max === 1 ? 1 : MAX_PARTICIPANTS}
          {max === 1 ? ' (single mode has one participant)' : ''}
        </span>
      </div>
    </fieldset>
  );
}
