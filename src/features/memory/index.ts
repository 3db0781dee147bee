/** The memory feature's public surface (knowledge entries, insights, embeddings, hybrid search and project wisdom): other features, src/app/ and src/cli/ import from here only. */
export { insightsRouter, memoryRouter } from './router.js';
export { backfillEmbeddings, embedRows } from './embedding.js';
export { createInsight, insightColumns, listInsights } from './items.js';
export { composeProjectWisdom } from './wisdom.js';
