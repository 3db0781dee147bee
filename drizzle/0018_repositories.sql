CREATE TABLE "repositories" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"project_id" uuid NOT NULL,
	"name" text NOT NULL,
	"source" text NOT NULL,
	"url" text,
	"path" text,
	"default_branch" text DEFAULT 'main' NOT NULL,
	"credential_kind" text,
	"credential_secret" text,
	"credential_last4" text,
	"last_synced_commit" text,
	"last_synced_at" timestamp with time zone,
	"status" text DEFAULT 'idle' NOT NULL,
	"status_message" text,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "repositories" ADD CONSTRAINT "repositories_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "repositories" ADD CONSTRAINT "repositories_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "repositories" ADD CONSTRAINT "repositories_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "repositories_tenant_project_name_key" ON "repositories" USING btree ("tenant_id","project_id",lower("name"));--> statement-breakpoint
CREATE INDEX "repositories_tenant_project_updated_idx" ON "repositories" USING btree ("tenant_id","project_id","updated_at" DESC NULLS LAST);--> statement-breakpoint
-- Tenant isolation for repositories (see 0001_rls.sql for the helper).
SELECT nyxcore_enable_tenant_rls('repositories');
