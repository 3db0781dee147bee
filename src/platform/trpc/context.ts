import type { AppDeps } from '../deps.js';
import type { NyxError } from '../errors.js';
import type { Principal, RequestMeta } from '../access/principal.js';

export type { Principal, RequestMeta } from '../access/principal.js';

export interface Context {
  deps: AppDeps;
  principal: Principal | null;
  /** Why presented credentials were rejected (bad/revoked/expired token); raised by authed procedures. */
  authError: NyxError | null;
  meta: RequestMeta;
  resHeaders: Headers;
}
