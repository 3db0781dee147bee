-- Sign bits of a model's vectors (binary_quantize, 192 bytes inline; null for offline rows): the
-- exact path ranks a scope on them by Hamming distance and re-ranks the nearest few hundred on
-- the full vector (candidates.ts). Adding a stored generated column rewrites both tables once.
ALTER TABLE "memory_entries" ADD COLUMN "embedding_bits" bit(1536) GENERATED ALWAYS AS (CASE WHEN "embedding_model" NOT LIKE 'offline-%' THEN binary_quantize("embedding")::bit(1536) END) STORED;--> statement-breakpoint
ALTER TABLE "workflow_insights" ADD COLUMN "embedding_bits" bit(1536) GENERATED ALWAYS AS (CASE WHEN "embedding_model" NOT LIKE 'offline-%' THEN binary_quantize("embedding")::bit(1536) END) STORED;