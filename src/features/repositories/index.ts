/** The repositories feature's public surface (code repositories of a project): other features, src/app/ and src/cli/ import from here only. */
export { repositoriesRouter } from './router.js';
export { getRepository, type RepositoryView, type RepoDeps } from './service.js';
export { cloneDirOf, resolveLocalPath, workDirOf } from './paths.js';
export { gitVersion } from './git.js';
export { checkoutRepository, RepositoryUnavailableError } from './checkout.js';
