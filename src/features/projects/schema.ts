import { z } from 'zod';

export const zProjectName = z.string().trim().min(1, { message: 'Name the project' }).max(120);
export const zCreateProject = z.object({ name: zProjectName, description: z.string().trim().max(2000).default('') });
export type CreateProjectInput = z.infer<typeof zCreateProject>;
export const zUpdateProject = z.object({
  id: z.uuid(),
  name: zProjectName.optional(),
  description: z.string().trim().max(2000).optional(),
});
export type UpdateProjectInput = z.infer<typeof zUpdateProject>;
export const zProjectId = z.object({ id: z.uuid() });
export const zListProjects = z.object({ query: z.string().trim().max(200).optional() }).default({});
