/** The personas feature's public surface (personas, their matching and XP): other features, src/app/ and src/cli/ import from here only. */
export { personasRouter } from './router.js';
export { matchPersona, recordPersonaUse, seedBuiltInPersonas } from './service.js';
export type { Persona } from './service.js';
