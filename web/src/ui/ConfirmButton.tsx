import { useState } from 'react';

interface ConfirmButtonProps {
  label: string;
  confirmLabel?: string;
  question?: string;
  onConfirm: () => void;
  disabled?: boolean;
  small?: boolean;
  testId?: string;
}

/** A destructive action that asks "are you sure?" inline before running. */
export function ConfirmButton({
  label,
  confirmLabel,
  question = 'Are you sure?',
  onConfirm,
  disabled,
  small,
  testId,
}: ConfirmButtonProps) {
  const [isAsking, setIsAsking] = useState(false);
  const size = small ? ' btn-sm' : '';
  if (!isAsking) {
    return (
      <button
        type="button"
        className={`btn btn-danger-ghost${size}`}
        disabled={disabled}
        onClick={() => setIsAsking(true)}
        data-testid={testId}
      >
        {label}
      </button>
    );
  }
  return (
    <span className="confirm" role="group" aria-label={question}>
      <span className="confirm-q">{question}</span>
      <button
        type="button"
        className={`btn btn-danger${size}`}
        onClick={() => {
          setIsAsking(false);
          onConfirm();
        }}
        data-testid={testId ? `${testId}-confirm` : undefined}
      >
        {confirmLabel ?? label}
      </button>
      <button type="button" className={`btn btn-ghost${size}`} onClick={() => setIsAsking(false)}>
        Cancel
      </button>
    </span>
  );
}
