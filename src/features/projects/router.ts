import { projectMutation, router, tenantMutation, tenantQuery } from '../../platform/trpc/procedures.js';
import { zCreateProject, zListProjects, zProjectId, zUpdateProject } from './schema.js';
import { createProject, deleteProject, getProject, listProjects, updateProject } from './service.js';

export const projectsRouter = router({
  list: tenantQuery('projects:read', zListProjects, (access, { query }) => listProjects(access, query)),
  get: tenantQuery('projects:read', zProjectId, (access, { id }) => getProject(access, id)),
  create: tenantMutation('projects:write', zCreateProject, createProject),
  update: projectMutation('projects:write', zUpdateProject, updateProject),
  delete: projectMutation('projects:write', zProjectId, (access, { id }) => deleteProject(access, id)),
});
