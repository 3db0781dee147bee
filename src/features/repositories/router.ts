import { requireScopeForCall, router, tenantQuery } from '../../platform/trpc/procedures.js';
import { zCreateRepository, zListRepositories, zRepositoryId, zUpdateRepository } from './schema.js';
import {
  createRepository,
  deleteRepository,
  getRepository,
  listRepositories,
  syncRepository,
  updateRepository,
} from './service.js';

// Call procedures: DNS lookups, the disk and git run outside any transaction; the services
// open short tenant transactions and keep a pinned token inside its project (pin: 'project').
const write = () => requireScopeForCall('repositories:write').meta({ pin: 'project' });

export const repositoriesRouter = router({
  list: tenantQuery('repositories:read', zListRepositories, listRepositories),
  get: tenantQuery('repositories:read', zRepositoryId, (access, { id }) => getRepository(access, id)),
  create: write()
    .input(zCreateRepository)
    .mutation(({ ctx, input }) => createRepository(ctx.deps, ctx.grant, input)),
  update: write()
    .input(zUpdateRepository)
    .mutation(({ ctx, input }) => updateRepository(ctx.deps, ctx.grant, input)),
  delete: write()
    .input(zRepositoryId)
    .mutation(({ ctx, input }) => deleteRepository(ctx.deps, ctx.grant, input.id)),
  sync: write()
    .input(zRepositoryId)
    .mutation(({ ctx, input }) => syncRepository(ctx.deps, ctx.grant, input.id)),
});
