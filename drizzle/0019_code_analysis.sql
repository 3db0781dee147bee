CREATE TABLE "analysis_cache" (
	"tenant_id" uuid NOT NULL,
	"key" text NOT NULL,
	"findings" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "analysis_cache_tenant_id_key_pk" PRIMARY KEY("tenant_id","key")
);
--> statement-breakpoint
CREATE TABLE "analysis_run_files" (
	"tenant_id" uuid NOT NULL,
	"run_id" uuid NOT NULL,
	"position" integer NOT NULL,
	"path" text NOT NULL,
	"blob_sha" text NOT NULL,
	"language" text NOT NULL,
	"size" integer NOT NULL,
	"lines" integer NOT NULL,
	"is_done" boolean DEFAULT false NOT NULL,
	"finding_count" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "analysis_run_files_run_id_position_pk" PRIMARY KEY("run_id","position")
);
--> statement-breakpoint
CREATE TABLE "analysis_runs" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"project_id" uuid NOT NULL,
	"repository_id" uuid NOT NULL,
	"status" text DEFAULT 'queued' NOT NULL,
	"stage" text DEFAULT 'queued' NOT NULL,
	"commit_sha" text,
	"files_total" integer DEFAULT 0 NOT NULL,
	"files_done" integer DEFAULT 0 NOT NULL,
	"findings_count" integer DEFAULT 0 NOT NULL,
	"report" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"error" text,
	"is_cancel_requested" boolean DEFAULT false NOT NULL,
	"lease_owner" text,
	"lease_until" timestamp with time zone,
	"attempts" integer DEFAULT 0 NOT NULL,
	"started_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "findings" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"project_id" uuid NOT NULL,
	"repository_id" uuid NOT NULL,
	"rule_id" text NOT NULL,
	"tool" text NOT NULL,
	"category" text NOT NULL,
	"severity" text NOT NULL,
	"confidence" text NOT NULL,
	"message" text NOT NULL,
	"path" text NOT NULL,
	"start_line" integer NOT NULL,
	"start_column" integer NOT NULL,
	"end_line" integer NOT NULL,
	"end_column" integer NOT NULL,
	"snippet" text NOT NULL,
	"related" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"code_flow" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"properties" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"fingerprint" text NOT NULL,
	"line_hash" text NOT NULL,
	"source" text DEFAULT 'static' NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"suppression" jsonb,
	"ignore_reason" text,
	"ignore_note" text,
	"ignored_by" uuid,
	"ignored_at" timestamp with time zone,
	"triage" jsonb,
	"first_run_id" uuid NOT NULL,
	"last_run_id" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "analysis_cache" ADD CONSTRAINT "analysis_cache_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "analysis_run_files" ADD CONSTRAINT "analysis_run_files_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "analysis_run_files" ADD CONSTRAINT "analysis_run_files_run_id_analysis_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."analysis_runs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "analysis_runs" ADD CONSTRAINT "analysis_runs_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "analysis_runs" ADD CONSTRAINT "analysis_runs_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "analysis_runs" ADD CONSTRAINT "analysis_runs_repository_id_repositories_id_fk" FOREIGN KEY ("repository_id") REFERENCES "public"."repositories"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "analysis_runs" ADD CONSTRAINT "analysis_runs_started_by_users_id_fk" FOREIGN KEY ("started_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "findings" ADD CONSTRAINT "findings_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "findings" ADD CONSTRAINT "findings_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "findings" ADD CONSTRAINT "findings_repository_id_repositories_id_fk" FOREIGN KEY ("repository_id") REFERENCES "public"."repositories"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "findings" ADD CONSTRAINT "findings_ignored_by_users_id_fk" FOREIGN KEY ("ignored_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "analysis_run_files_tenant_run_idx" ON "analysis_run_files" USING btree ("tenant_id","run_id","is_done");--> statement-breakpoint
CREATE INDEX "analysis_runs_tenant_repository_idx" ON "analysis_runs" USING btree ("tenant_id","repository_id","created_at" DESC NULLS LAST);--> statement-breakpoint
CREATE UNIQUE INDEX "findings_identity_key" ON "findings" USING btree ("tenant_id","repository_id","rule_id","fingerprint");--> statement-breakpoint
CREATE INDEX "findings_tenant_repository_run_idx" ON "findings" USING btree ("tenant_id","repository_id","last_run_id");--> statement-breakpoint
-- Tenant isolation for code analysis (see 0001_rls.sql for the helper).
SELECT nyxcore_enable_tenant_rls('analysis_runs');
--> statement-breakpoint
SELECT nyxcore_enable_tenant_rls('analysis_run_files');
--> statement-breakpoint
SELECT nyxcore_enable_tenant_rls('analysis_cache');
--> statement-breakpoint
SELECT nyxcore_enable_tenant_rls('findings');
