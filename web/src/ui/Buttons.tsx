import type { ReactNode } from 'react';

/** A page's main action button ("New project", "Add provider"); for a form's submit, use `SubmitButton`. */
export function PrimaryButton({ children, onClick }: { children: ReactNode; onClick: () => void }) {
  return (
    <button type="button" className="btn btn-primary" onClick={onClick}>
      {children}
    </button>
  );
}

/** A table row's "Revoke" action (invitations, API tokens); it revokes at once, without asking. */
export function RevokeButton({ onRevoke }: { onRevoke: () => void }) {
  return (
    <button type="button" className="btn btn-sm btn-danger-ghost" onClick={onRevoke}>
      Revoke
    </button>
  );
}
