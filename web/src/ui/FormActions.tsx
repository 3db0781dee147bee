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
      <button type="submit" className="btn btn-primary" disabled={busy || disabled}>
        {busy && busyLabel !== undefined ? busyLabel : label}
      </button>
      {onCancel ? (
        <button type="button" className="btn btn-ghost" onClick={onCancel}>
          Cancel
        </button>
      ) : null}
    </div>
  );
}
