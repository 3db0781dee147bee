import type { ReactNode } from 'react';
import { errorCode, errorInfo } from '../lib/errors.js';

/** An error banner; renders nothing without an error. */
export function ErrorAlert({ error, children }: { error?: unknown; children?: ReactNode }) {
  if (!error && !children) return null;
  return (
    <div className="alert alert-error" role="alert" data-testid="error-alert">
      {children ?? errorInfo(error).message}
    </div>
  );
}

export function Loading({ label = 'Loading…' }: { label?: string }) {
  return (
    <div className="loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" />
      {label}
    </div>
  );
}

export function EmptyState({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="empty" data-testid="empty-state">
      <p className="empty-title">{title}</p>
      {children ? <div className="empty-body">{children}</div> : null}
    </div>
  );
}

/**
 * A page whose record failed to load: "… not found" (also for a malformed id) with
 * `children` as the way back, or the error itself for anything else.
 */
export function LoadFailure({
  error,
  notFoundTitle,
  children,
}: {
  error: unknown;
  notFoundTitle: string;
  children?: ReactNode;
}) {
  const code = errorCode(error);
  return (
    <div className="page">
      {code === 'NOT_FOUND' || code === 'BAD_REQUEST' ? (
        <EmptyState title={notFoundTitle}>{children}</EmptyState>
      ) : (
        <ErrorAlert error={error} />
      )}
    </div>
  );
}
