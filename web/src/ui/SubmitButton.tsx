import type { ReactNode } from 'react';

interface SubmitButtonProps {
  label: ReactNode;
  /** While true the button is disabled and shows `busyLabel` (if given). */
  busy?: boolean;
  busyLabel?: ReactNode;
  /** Disables the button besides `busy`. */
  disabled?: boolean;
  /** Full width (`btn-block`), as on the sign-in and setup cards. */
  block?: boolean;
}

/** A form's primary submit button. Example: `<SubmitButton label="Sign in" busy={m.isPending} busyLabel="Signing in…" />`. */
export function SubmitButton({ label, busy = false, busyLabel, disabled = false, block = false }: SubmitButtonProps) {
  return (
    <button type="submit" className={`btn btn-primary${block ? ' btn-block' : ''}`} disabled={busy || disabled}>
      {busy && busyLabel !== undefined ? busyLabel : label}
    </button>
  );
}
