/** The auth feature's public surface (users, sessions, sign-up/in, API tokens): other features, src/app/ and src/cli/ import from here only. */
export { authRouter, tokensRouter } from './router.js';
export { findUserByEmail, issueSetupToken, prepareSetupLink, resolveSession } from './service.js';
export { createTokenForMember, resolveApiToken } from './tokens.js';
export { zCreateToken } from './schema.js';
