/**
 * What a provider's error response may contribute to a message nyxCore shows, logs and
 * stores (llm_usage.error, provider_keys.last_error): the provider's own error message
 * from a provider-style JSON body, cut short, printable, with secrets redacted. Never the
 * raw body: a base URL pointing at some other service would otherwise echo its internals.
 */

const MAX_DETAIL = 120;

/** Keys and bearer tokens by shape, then anything labelled password/secret/token/key. */
export const redact = (s: string) =>
  s
    .replace(/(sk-|nyx_|key=|Bearer\s+)[\w.-]{6,}/gi, '$1[redacted]')
    .replace(
      /([\w-]*(?:password|passwd|secret|token|key))(["']?\s*[=:]\s*)("[^"]*"|'[^']*'|[^\s,;&"']+)/gi,
      '$1$2[redacted]',
    );

/** The message of `{"error":{"message":…}}`, `{"error":"…"}` or `{"message":"…"}`, else null. */
function providerMessage(body: string): string | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return null;
  }
  if (typeof parsed !== 'object' || parsed === null) return null;
  const { error, message } = parsed as { error?: unknown; message?: unknown };
  if (typeof error === 'string') return error;
  if (typeof error === 'object' && error !== null && typeof (error as { message?: unknown }).message === 'string')
    return (error as { message: string }).message;
  return typeof message === 'string' ? message : null;
}

/** Printable characters only, whitespace collapsed, redacted, then cut (redacting first, so no secret is cut into an unrecognisable prefix). */
export function sanitiseDetail(text: string): string {
  const printable = text
    .replace(/[^\p{L}\p{N}\p{P}\p{S} ]+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  const safe = redact(printable);
  return safe.length > MAX_DETAIL ? `${safe.slice(0, MAX_DETAIL - 1)}…` : safe;
}

/**
 * Example: `httpFailureMessage(400, '{"error":{"message":"bad db_password=hunter2"}}')` →
 * `HTTP 400: bad db_password=[redacted]`; a body that is not a provider error gives `HTTP 400`.
 */
export function httpFailureMessage(status: number, body: string | undefined): string {
  const detail = body ? providerMessage(body) : null;
  const safe = detail ? sanitiseDetail(detail) : '';
  return safe ? `HTTP ${status}: ${safe}` : `HTTP ${status}`;
}
