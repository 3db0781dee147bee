-- Offline-embedder vectors get a sparse copy that search ranks exactly (see schema/memory.ts).
-- toast_tuple_target 4080 (default ~2 KB): a row's values move out of line only above 4 KB,
-- so the ~2 KB sparse copy (storage EXTERNAL, like every pgvector type: never compressed)
-- stays inline next to the row, while the 6 KB dense vector still goes out of line first.
ALTER TABLE "memory_entries" SET (toast_tuple_target = 4080);--> statement-breakpoint
ALTER TABLE "workflow_insights" SET (toast_tuple_target = 4080);--> statement-breakpoint
ALTER TABLE "memory_entries" ADD COLUMN "embedding_sparse" sparsevec(1536) GENERATED ALWAYS AS (CASE WHEN "embedding_model" LIKE 'offline-%' THEN "embedding"::sparsevec(1536) END) STORED;--> statement-breakpoint
ALTER TABLE "workflow_insights" ADD COLUMN "embedding_sparse" sparsevec(1536) GENERATED ALWAYS AS (CASE WHEN "embedding_model" LIKE 'offline-%' THEN "embedding"::sparsevec(1536) END) STORED;
