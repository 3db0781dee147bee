-- The exact vector path's first stage reads a scope's rows from a covering index, not from the
-- heap (a page per row: a workspace's rows are scattered among others'): an offline vector's
-- fold (the sum of its quarters, 384-d halfvec; null for a model's rows) and a model's sign
-- bits, with the columns the search filters on. A second index beside the slim
-- `*_tenant_project_idx`, which stays small for counting a scope and for the bitmap the text
-- list ANDs with its GIN matches (628 pages per 5,000 rows in this one, ~20 in the slim one).
-- Drizzle cannot declare INCLUDE, so these are written here by hand (schema/memory.ts says
-- so) and are not in the snapshot. Adding the stored column rewrites both tables once.
-- toast_tuple_target 6000 (was 4080, migration 0013): with the fold's 776 bytes an offline
-- row passes 4 KB, and the toaster would push the ~2.4 KB sparse copy out of line (seen on
-- bench:search: half the rows), which the exact path's re-rank reads; the 6 KB dense vector,
-- the largest value, still goes out of line first.
ALTER TABLE "memory_entries" SET (toast_tuple_target = 6000);--> statement-breakpoint
ALTER TABLE "workflow_insights" SET (toast_tuple_target = 6000);--> statement-breakpoint
ALTER TABLE "memory_entries" ADD COLUMN "embedding_fold" halfvec(384) GENERATED ALWAYS AS (CASE WHEN "embedding_model" LIKE 'offline-%' THEN (subvector("embedding", 1, 384) + subvector("embedding", 385, 384) + subvector("embedding", 769, 384) + subvector("embedding", 1153, 384))::halfvec(384) END) STORED;--> statement-breakpoint
ALTER TABLE "workflow_insights" ADD COLUMN "embedding_fold" halfvec(384) GENERATED ALWAYS AS (CASE WHEN "embedding_model" LIKE 'offline-%' THEN (subvector("embedding", 1, 384) + subvector("embedding", 385, 384) + subvector("embedding", 769, 384) + subvector("embedding", 1153, 384))::halfvec(384) END) STORED;--> statement-breakpoint
CREATE INDEX "memory_entries_vector_scan_idx" ON "memory_entries" USING btree ("tenant_id","project_id") INCLUDE ("id","embedding_model","embedding_bits","embedding_fold");--> statement-breakpoint
CREATE INDEX "workflow_insights_vector_scan_idx" ON "workflow_insights" USING btree ("tenant_id","project_id") INCLUDE ("id","embedding_model","status","severity","type","embedding_bits","embedding_fold");
