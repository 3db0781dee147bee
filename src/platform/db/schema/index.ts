export * from './core.js';
export * from './projects.js';
export * from './tokens.js';
export * from './llm.js';
export * from './personas.js';
export * from './memory.js';
export * from './workflows.js';
export * from './discussions.js';
