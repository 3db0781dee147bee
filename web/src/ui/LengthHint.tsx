import { formatCount, type TextLimit } from '../../../src/shared/limits.js';

/**
 * Under a text field with a server-side limit: nothing while the text is well under it, a
 * "180,000 / 200,000 characters" count near it, and the server's own message once over it
 * (the form then refuses to submit, so the user never waits for a 400).
 */
export function LengthHint({ value, limit, id }: { value: string; limit: TextLimit; id?: string }) {
  const n = value.length;
  if (n > limit.max) {
    return (
      <p className="field-error" role="alert" id={id} data-testid="length-error">
        {limit.message}; this has {formatCount(n)}.
      </p>
    );
  }
  if (n < limit.max * 0.9) return null;
  return (
    <p className="field-hint" id={id} data-testid="length-count">
      {formatCount(n)} / {formatCount(limit.max)} characters
    </p>
  );
}
