import { z } from 'zod';
import {
  branchProblem,
  GIT_TOKEN_KINDS,
  gitUrlProblem,
  localPathProblem,
  REPOSITORY_LIMITS,
  REPOSITORY_SOURCES,
} from '../../shared/repositories.js';

/** A string checked by one of the shared `…Problem` functions (the web form runs the same). */
const checked = (problem: (s: string) => string | null) =>
  z.string().superRefine((value, ctx) => {
    const message = problem(value);
    if (message) ctx.addIssue({ code: 'custom', message });
  });

const zName = z
  .string()
  .trim()
  .min(1, { message: 'Name the repository' })
  .max(REPOSITORY_LIMITS.name, { message: `Names are limited to ${REPOSITORY_LIMITS.name} characters` });
const zToken = z
  .string()
  .min(1, { message: 'Enter the token, or leave it out' })
  .max(REPOSITORY_LIMITS.token, { message: 'That is too long for an access token' })
  .regex(/^[\x21-\x7e]+$/, { message: 'Access tokens are printable characters without spaces' });

export const zCreateRepository = z
  .object({
    projectId: z.uuid(),
    name: zName,
    source: z.enum(REPOSITORY_SOURCES),
    url: checked(gitUrlProblem).optional(),
    path: checked(localPathProblem).optional(),
    defaultBranch: checked(branchProblem).default('main'),
    token: zToken.optional(),
    tokenKind: z.enum(GIT_TOKEN_KINDS).default('generic'),
  })
  .superRefine((v, ctx) => {
    if (v.source === 'git' && v.url === undefined)
      ctx.addIssue({ code: 'custom', path: ['url'], message: 'Enter the repository’s clone URL' });
    if (v.source === 'local_path' && v.path === undefined)
      ctx.addIssue({ code: 'custom', path: ['path'], message: 'Enter the directory’s absolute path' });
    if (v.source === 'local_path' && v.token !== undefined)
      ctx.addIssue({ code: 'custom', path: ['token'], message: 'A local path needs no token' });
  });
export type CreateRepositoryInput = z.infer<typeof zCreateRepository>;

export const zUpdateRepository = z.object({
  id: z.uuid(),
  name: zName.optional(),
  url: checked(gitUrlProblem).optional(),
  path: checked(localPathProblem).optional(),
  defaultBranch: checked(branchProblem).optional(),
  /** A new token; null removes the stored one; absent keeps it. */
  token: zToken.nullable().optional(),
  tokenKind: z.enum(GIT_TOKEN_KINDS).optional(),
});
export type UpdateRepositoryInput = z.infer<typeof zUpdateRepository>;

export const zRepositoryId = z.object({ id: z.uuid() });
export const zListRepositories = z.object({ projectId: z.uuid() });
