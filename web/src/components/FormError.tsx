import { errorInfo } from '../lib/errors.js';
import { ErrorAlert } from './Feedback.js';

/** A form's error banner, left out when the error is already shown under its fields. */
export function FormError({ error }: { error: unknown }) {
  if (!error) return null;
  const fields = Object.keys(errorInfo(error).fieldErrors).filter((k) => k !== '_');
  return fields.length ? null : <ErrorAlert error={error} />;
}
