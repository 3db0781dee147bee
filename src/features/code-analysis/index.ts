/** The code-analysis feature's public surface: other features, src/app/ and src/cli/ import from here only. */
export * from './scanner/index.js';
export { analysisRouter, findingsRouter } from './router.js';
export { registerAnalysisRoutes } from './routes.js';
export { startAnalysisWorker } from './worker.js';
export { CheckoutError } from './pipeline.js';
export { projectPatternLines } from './documenting.js';
