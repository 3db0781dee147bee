import type { Principal, RequestMeta } from '../trpc/context.js';

export interface HttpVars {
  principal: Principal | null;
  meta: RequestMeta;
}
