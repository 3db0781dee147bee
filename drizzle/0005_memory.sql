CREATE TABLE "memory_entries" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"project_id" uuid,
	"title" text NOT NULL,
	"content" text DEFAULT '' NOT NULL,
	"tags" text[] DEFAULT '{}'::text[] NOT NULL,
	"source" text DEFAULT 'manual' NOT NULL,
	"search" "tsvector" GENERATED ALWAYS AS (setweight(to_tsvector('english', coalesce("memory_entries"."title", '')), 'A') || setweight(to_tsvector('english', coalesce("memory_entries"."content", '')), 'B') || setweight(to_tsvector('simple', nyxcore_tags_text("memory_entries"."tags")), 'C')) STORED NOT NULL,
	"embedding" vector(1536),
	"embedding_model" text,
	"embedding_error" text,
	"embedded_at" timestamp with time zone,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "memory_settings" (
	"tenant_id" uuid PRIMARY KEY NOT NULL,
	"embedding_provider" text DEFAULT 'offline' NOT NULL,
	"embedding_model" text,
	"vector_weight" numeric(4, 3) DEFAULT 0.7 NOT NULL,
	"text_weight" numeric(4, 3) DEFAULT 0.3 NOT NULL,
	"mode" text DEFAULT 'weighted' NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "workflow_insights" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"project_id" uuid NOT NULL,
	"origin_run_id" uuid,
	"origin_step" text,
	"title" text NOT NULL,
	"detail" text DEFAULT '' NOT NULL,
	"suggestion" text DEFAULT '' NOT NULL,
	"category" text DEFAULT 'general' NOT NULL,
	"type" text NOT NULL,
	"severity" text NOT NULL,
	"status" text DEFAULT 'proposed' NOT NULL,
	"paired_insight_id" uuid,
	"search" "tsvector" GENERATED ALWAYS AS (setweight(to_tsvector('english', coalesce("workflow_insights"."title", '')), 'A') || setweight(to_tsvector('english', coalesce("workflow_insights"."detail", '') || ' ' || coalesce("workflow_insights"."suggestion", '')), 'B') || setweight(to_tsvector('simple', coalesce("workflow_insights"."category", '')), 'C')) STORED NOT NULL,
	"embedding" vector(1536),
	"embedding_model" text,
	"embedding_error" text,
	"embedded_at" timestamp with time zone,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "memory_entries" ADD CONSTRAINT "memory_entries_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "memory_entries" ADD CONSTRAINT "memory_entries_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "memory_entries" ADD CONSTRAINT "memory_entries_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "memory_settings" ADD CONSTRAINT "memory_settings_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "workflow_insights" ADD CONSTRAINT "workflow_insights_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "workflow_insights" ADD CONSTRAINT "workflow_insights_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "workflow_insights" ADD CONSTRAINT "workflow_insights_paired_insight_id_workflow_insights_id_fk" FOREIGN KEY ("paired_insight_id") REFERENCES "public"."workflow_insights"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "workflow_insights" ADD CONSTRAINT "workflow_insights_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "memory_entries_tenant_project_idx" ON "memory_entries" USING btree ("tenant_id","project_id","updated_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "memory_entries_search_idx" ON "memory_entries" USING gin ("search");--> statement-breakpoint
CREATE INDEX "memory_entries_embedding_idx" ON "memory_entries" USING hnsw ("embedding" vector_cosine_ops);--> statement-breakpoint
CREATE INDEX "workflow_insights_tenant_project_idx" ON "workflow_insights" USING btree ("tenant_id","project_id","status","severity");--> statement-breakpoint
CREATE INDEX "workflow_insights_search_idx" ON "workflow_insights" USING gin ("search");--> statement-breakpoint
CREATE INDEX "workflow_insights_embedding_idx" ON "workflow_insights" USING hnsw ("embedding" vector_cosine_ops);