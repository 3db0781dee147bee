import { defineConfig } from 'drizzle-kit';

// Migrations are generated from the TypeScript schema and committed; `push` is never used
// (see docs/architecture.md, "Schema changes only through migrations").
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/platform/db/schema/index.ts',
  out: './drizzle',
  strict: true,
  verbose: true,
});
