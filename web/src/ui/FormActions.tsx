import { SubmitButton } from './SubmitButton.js';
import type { ReactNode } from 'react';

interface FormActionsProps {
  /** The submit button's text. */
  label: ReactNode;
  /** While true the submit button is disabled and shows `busyLabel` (if given). */
  busy?: boolean;
  busyLabel?: ReactNode;
  /** Disables the submit button besides `busy`. */
  disabled?: boolean;
  /** Adds a "Cancel" button that calls it. */
  onCancel?: () => void;
}

/** A form's action row: the primary submit button and, with `onCancel`, a ghost "Cancel" button. */
export function FormActions({ label, busy = false, busyLabel, disabled = false, onCancel }: FormActionsProps) {
  return (
    <div className="form-actions">
      <SubmitButton label={label} busy={busy} busyLabel={busyLabel} disabled={disabled} />
      {onCancel ? (
        <button type="button" className="btn btn-ghost" onClick={onCancel}>
          Cancel
        </button>
      ) : null}
    </div>
  );
}
