/** The audit feature's public surface (the append-only audit log): other features, src/app/ and src/cli/ import from here only. */
export { recordAudit } from './service.js';
export { auditRouter } from './router.js';
