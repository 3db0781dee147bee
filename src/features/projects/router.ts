import { requireScope, router } from '../../platform/trpc/procedures.js';
import { zCreateProject, zListProjects, zProjectId, zUpdateProject } from './schema.js';
import { createProject, deleteProject, getProject, listProjects, updateProject } from './service.js';

export const projectsRouter = router({
  list: requireScope('projects:read')
    .input(zListProjects)
    .query(({ ctx, input }) => listProjects(ctx.access, input.query)),
  get: requireScope('projects:read')
    .input(zProjectId)
    .query(({ ctx, input }) => getProject(ctx.access, input.id)),
  create: requireScope('projects:write')
    .input(zCreateProject)
    .mutation(({ ctx, input }) => createProject(ctx.access, input)),
  update: requireScope('projects:write')
    .meta({ pin: 'project' })
    .input(zUpdateProject)
    .mutation(({ ctx, input }) => updateProject(ctx.access, input)),
  delete: requireScope('projects:write')
    .meta({ pin: 'project' })
    .input(zProjectId)
    .mutation(({ ctx, input }) => deleteProject(ctx.access, input.id)),
});
