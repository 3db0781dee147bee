/**
 * What the enforcing fetch throws instead of transport errors. Messages are safe to show:
 * they never say whether a port was open, which errno a socket saw, or what an upstream sent.
 */
export type EgressErrorCode =
  /** The policy refused the destination (before any byte was sent). */
  | 'EGRESS_DENIED'
  /** The destination answered with a redirect nyxCore will not follow. */
  | 'EGRESS_REDIRECT'
  /** No connection: refused, reset, closed, timed out or not resolvable, all alike. */
  | 'EGRESS_UNREACHABLE';

export class EgressError extends Error {
  readonly code: EgressErrorCode;

  constructor(code: EgressErrorCode, message: string) {
    super(message);
    this.name = 'EgressError';
    this.code = code;
  }
}

/** The EgressError behind `err`, looking through `cause` chains (undici and the AI SDK wrap errors). */
export function findEgressError(err: unknown): EgressError | null {
  const seen = new Set<unknown>();
  for (let e = err; e instanceof Error && !seen.has(e); e = e.cause) {
    if (e instanceof EgressError) return e;
    seen.add(e);
  }
  return null;
}
