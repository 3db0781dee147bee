import { z } from 'zod';
import { requireScope, router } from '../../platform/trpc/procedures.js';
import { auditActions, listAudit } from './service.js';

export const auditRouter = router({
  actions: requireScope('audit:read').query(() => auditActions),
  list: requireScope('audit:read')
    .input(
      z
        .object({
          limit: z.number().int().min(1).max(200).default(50),
          before: z.number().int().positive().optional(),
          action: z.string().max(64).optional(),
        })
        .default({ limit: 50 }),
    )
    .query(({ ctx, input }) => listAudit(ctx.access.tx, input)),
});
