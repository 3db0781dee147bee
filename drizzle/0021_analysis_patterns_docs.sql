CREATE TABLE "analysis_docs" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"run_id" uuid NOT NULL,
	"repository_id" uuid NOT NULL,
	"project_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"title" text NOT NULL,
	"markdown" text NOT NULL,
	"quality_score" integer NOT NULL,
	"quality_reasons" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"generated_by" text DEFAULT 'deterministic' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "analysis_patterns" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"run_id" uuid NOT NULL,
	"repository_id" uuid NOT NULL,
	"project_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"name" text NOT NULL,
	"description" text NOT NULL,
	"confidence" text NOT NULL,
	"evidence" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"position" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "analysis_docs" ADD CONSTRAINT "analysis_docs_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "analysis_docs" ADD CONSTRAINT "analysis_docs_run_id_analysis_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."analysis_runs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "analysis_docs" ADD CONSTRAINT "analysis_docs_repository_id_repositories_id_fk" FOREIGN KEY ("repository_id") REFERENCES "public"."repositories"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "analysis_docs" ADD CONSTRAINT "analysis_docs_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "analysis_patterns" ADD CONSTRAINT "analysis_patterns_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "analysis_patterns" ADD CONSTRAINT "analysis_patterns_run_id_analysis_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."analysis_runs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "analysis_patterns" ADD CONSTRAINT "analysis_patterns_repository_id_repositories_id_fk" FOREIGN KEY ("repository_id") REFERENCES "public"."repositories"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "analysis_patterns" ADD CONSTRAINT "analysis_patterns_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "analysis_docs_run_kind_key" ON "analysis_docs" USING btree ("tenant_id","run_id","kind");--> statement-breakpoint
CREATE INDEX "analysis_docs_tenant_repository_idx" ON "analysis_docs" USING btree ("tenant_id","repository_id","created_at" DESC NULLS LAST);--> statement-breakpoint
CREATE UNIQUE INDEX "analysis_patterns_run_position_key" ON "analysis_patterns" USING btree ("tenant_id","run_id","position");--> statement-breakpoint
CREATE INDEX "analysis_patterns_tenant_repository_idx" ON "analysis_patterns" USING btree ("tenant_id","repository_id","created_at" DESC NULLS LAST);--> statement-breakpoint
-- Tenant isolation for patterns and docs (see 0001_rls.sql for the helper).
SELECT nyxcore_enable_tenant_rls('analysis_patterns');
--> statement-breakpoint
SELECT nyxcore_enable_tenant_rls('analysis_docs');
