/** The llm feature's public surface (provider keys, model catalog and LLM settings): other features, src/app/ and src/cli/ import from here only. */
export { llmRouter } from './router.js';
