ALTER TABLE "workflow_run_steps" ADD COLUMN "unpriced_calls" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "workflow_runs" ADD COLUMN "unpriced_calls" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "discussion_messages" ADD COLUMN "unpriced_calls" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "discussions" ADD COLUMN "unpriced_calls" integer DEFAULT 0 NOT NULL;