import type { AppDeps } from '../deps.js';
import type { NyxError } from '../errors.js';

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

export interface Context {
  deps: AppDeps;
  principal: Principal | null;
  /** Why presented credentials were rejected (bad/revoked/expired token); raised by authed procedures. */
  authError: NyxError | null;
  meta: RequestMeta;
  resHeaders: Headers;
}
