/**
 * Transport-free domain errors. Services throw `NyxError`; the edges (tRPC, REST) map
 * the code once through `errorTable`.
 */
export type NyxErrorCode =
  | 'BAD_INPUT'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'RATE_LIMITED'
  | 'TOO_LARGE'
  | 'CSRF'
  | 'UNAVAILABLE'
  | 'BUDGET_EXCEEDED'
  | 'UPSTREAM'
  | 'INTERNAL';

export type FieldErrors = Record<string, string[]>;

/**
 * The field an input path names, as forms know it: full paths (`steps.2.prompt`), but a bad
 * element of a list of values (`specializations.1`) belongs to the list's field.
 */
export const fieldName = (path: readonly PropertyKey[], fallback: string): string =>
  path
    .map(String)
    .join('.')
    .replace(/(\.\d+)+$/, '') || fallback;

/** Adds one message to a field. */
export const addFieldError = (errors: FieldErrors, field: string, message: string): void =>
  void (errors[field] ??= []).push(message);

/** A zod error's issues by the field forms know each by (`fieldName`; `fallback` for the input as a whole). */
export function zodFieldErrors(
  issues: readonly { path: readonly PropertyKey[]; message: string }[],
  fallback: string,
): FieldErrors {
  const out: FieldErrors = {};
  for (const issue of issues) addFieldError(out, fieldName(issue.path, fallback), issue.message);
  return out;
}

/** When any field has an error: BAD_INPUT "Invalid <what>: <the first message>", carrying every field. */
export function throwFieldErrors(what: string, errors: FieldErrors): void {
  const first = Object.values(errors)[0]?.[0];
  if (first) throw new NyxError('BAD_INPUT', `Invalid ${what}: ${first}`, { fieldErrors: errors });
}

export class NyxError extends Error {
  readonly code: NyxErrorCode;
  readonly userMessage: string;
  readonly fieldErrors: FieldErrors | undefined;

  constructor(code: NyxErrorCode, userMessage: string, opts: { cause?: unknown; fieldErrors?: FieldErrors } = {}) {
    super(userMessage, { cause: opts.cause });
    this.name = 'NyxError';
    this.code = code;
    this.userMessage = userMessage;
    this.fieldErrors = opts.fieldErrors;
  }
}

type TrpcCode =
  | 'BAD_REQUEST'
  | 'UNAUTHORIZED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'TOO_MANY_REQUESTS'
  | 'PAYLOAD_TOO_LARGE'
  | 'SERVICE_UNAVAILABLE'
  | 'PAYMENT_REQUIRED'
  | 'BAD_GATEWAY'
  | 'INTERNAL_SERVER_ERROR';

export const errorTable = {
  BAD_INPUT: { trpc: 'BAD_REQUEST', http: 400 },
  UNAUTHENTICATED: { trpc: 'UNAUTHORIZED', http: 401 },
  FORBIDDEN: { trpc: 'FORBIDDEN', http: 403 },
  CSRF: { trpc: 'FORBIDDEN', http: 403 },
  NOT_FOUND: { trpc: 'NOT_FOUND', http: 404 },
  CONFLICT: { trpc: 'CONFLICT', http: 409 },
  RATE_LIMITED: { trpc: 'TOO_MANY_REQUESTS', http: 429 },
  /** The request body is over the size limit. */
  TOO_LARGE: { trpc: 'PAYLOAD_TOO_LARGE', http: 413 },
  UNAVAILABLE: { trpc: 'SERVICE_UNAVAILABLE', http: 503 },
  /** The workspace's monthly LLM budget is spent. */
  BUDGET_EXCEEDED: { trpc: 'PAYMENT_REQUIRED', http: 402 },
  /** Every LLM provider in the chain failed; the message lists why, provider by provider. */
  UPSTREAM: { trpc: 'BAD_GATEWAY', http: 502 },
  INTERNAL: { trpc: 'INTERNAL_SERVER_ERROR', http: 500 },
} as const satisfies Record<NyxErrorCode, { trpc: TrpcCode; http: number }>;

export const notFound = (what: string): NyxError => new NyxError('NOT_FOUND', `${what} not found`);
