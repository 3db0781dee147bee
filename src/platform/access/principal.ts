/**
 * Who is calling and from where: resolved once per request by the HTTP layer and read by
 * access checks, auth and every transport (tRPC, REST, SSE). Transport-neutral on purpose.
 */

/** Who is calling: a browser session or an API token. Resolved by the HTTP auth middleware. */
export type Principal =
  | { kind: 'session'; userId: string; email: string; name: string; sessionId: string; csrfHash: string }
  | {
      kind: 'token';
      userId: string;
      email: string;
      name: string;
      tokenId: string;
      tenantId: string;
      scopes: string[];
      projectId: string | null;
    };

export interface RequestMeta {
  ip: string | null;
  userAgent: string | null;
  /** Workspace the browser acts in (`x-nyx-tenant` header); tokens carry their own. */
  requestedTenantId: string | null;
  csrfHeader: string | null;
  origin: string | null;
  host: string | null;
  sessionToken: string | null;
}
