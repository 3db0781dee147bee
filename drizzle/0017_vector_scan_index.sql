-- The exact vector path's first stage reads a scope's rows from a covering index, not from the
-- heap (one page per row, ~18 ms for a 5,000-row workspace): an offline vector's fold (the sum
-- of its quarters, 384-d halfvec; null for a model's rows) and a model's sign bits, with the
-- columns the search filters on, as INCLUDE columns of the tenant/project indexes (one index,
-- so no plan picks a narrower one and reads the heap after all). Drizzle cannot declare
-- INCLUDE: the key columns stay as the schema declares them, the INCLUDE part lives here
-- (schema/memory.ts says so). Adding the stored column rewrites both tables once.
-- toast_tuple_target 6000 (was 4080, migration 0013): with the fold's 776 bytes an offline
-- row passes 4 KB, and the toaster would push the ~2.4 KB sparse copy out of line (seen on
-- bench:search: half the rows), which the exact path's re-rank reads; the 6 KB dense vector,
-- the largest value, still goes out of line first.
ALTER TABLE "memory_entries" SET (toast_tuple_target = 6000);--> statement-breakpoint
ALTER TABLE "workflow_insights" SET (toast_tuple_target = 6000);--> statement-breakpoint
ALTER TABLE "memory_entries" ADD COLUMN "embedding_fold" halfvec(384) GENERATED ALWAYS AS (CASE WHEN "embedding_model" LIKE 'offline-%' THEN (subvector("embedding", 1, 384) + subvector("embedding", 385, 384) + subvector("embedding", 769, 384) + subvector("embedding", 1153, 384))::halfvec(384) END) STORED;--> statement-breakpoint
ALTER TABLE "workflow_insights" ADD COLUMN "embedding_fold" halfvec(384) GENERATED ALWAYS AS (CASE WHEN "embedding_model" LIKE 'offline-%' THEN (subvector("embedding", 1, 384) + subvector("embedding", 385, 384) + subvector("embedding", 769, 384) + subvector("embedding", 1153, 384))::halfvec(384) END) STORED;--> statement-breakpoint
DROP INDEX "memory_entries_tenant_project_idx";--> statement-breakpoint
CREATE INDEX "memory_entries_tenant_project_idx" ON "memory_entries" USING btree ("tenant_id","project_id","updated_at" DESC NULLS LAST) INCLUDE ("id","embedding_model","embedding_bits","embedding_fold");--> statement-breakpoint
DROP INDEX "workflow_insights_tenant_project_idx";--> statement-breakpoint
CREATE INDEX "workflow_insights_tenant_project_idx" ON "workflow_insights" USING btree ("tenant_id","project_id","status","severity") INCLUDE ("id","embedding_model","type","embedding_bits","embedding_fold");
