import type { Hono } from 'hono';
import type { NyxError } from '../errors.js';
import type { Principal, RequestMeta } from '../access/principal.js';

export interface HttpVars {
  principal: Principal | null;
  authError: NyxError | null;
  meta: RequestMeta;
}

/** The Hono app every route is registered on. */
export type HttpApp = Hono<{ Variables: HttpVars }>;
