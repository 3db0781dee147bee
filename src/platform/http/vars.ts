import type { NyxError } from '../errors.js';
import type { Principal, RequestMeta } from '../trpc/context.js';

export interface HttpVars {
  principal: Principal | null;
  authError: NyxError | null;
  meta: RequestMeta;
}
