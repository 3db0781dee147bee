import { errorInfo } from '../lib/errors.js';
import { ErrorAlert } from './Feedback.js';

/**
 * A form's error banner for what its fields do not already show. With `fields` (the fields
 * the form renders an error under), errors of those fields appear only there; anything else
 * (a field the form lacks, or an error about no field) is in the banner, once.
 * Example: `<FormError error={create.error} fields={['name', 'description']} />`.
 */
export function FormError({ error, fields }: { error: unknown; fields?: readonly string[] }) {
  if (!error) return null;
  const info = errorInfo(error);
  const named = Object.keys(info.fieldErrors).filter((k) => k !== '_');
  if (!named.length) return <ErrorAlert error={error} />;
  if (!fields) return null;
  const elsewhere = named.filter((k) => !fields.some((f) => k === f || k.startsWith(`${f}.`)));
  if (!elsewhere.length) return null;
  return <ErrorAlert>{elsewhere.map((k) => `${k}: ${info.fieldErrors[k]?.[0] ?? 'invalid'}`).join(' · ')}</ErrorAlert>;
}
