/** The repositories feature's public surface (code repositories of a project): other features, src/app/ and src/cli/ import from here only. */
export { repositoriesRouter } from './router.js';
export { getRepository, type RepositoryView } from './service.js';
export { cloneDirOf } from './paths.js';
export { checkoutRepository, RepositoryUnavailableError } from './checkout.js';
export type { RepoDeps } from './service.js';
