-- Tenant isolation for workflows, runs and the run-event log (see 0001_rls.sql for the helper).
SELECT nyxcore_enable_tenant_rls('workflows');
--> statement-breakpoint
SELECT nyxcore_enable_tenant_rls('workflow_steps');
--> statement-breakpoint
SELECT nyxcore_enable_tenant_rls('workflow_runs');
--> statement-breakpoint
SELECT nyxcore_enable_tenant_rls('workflow_run_steps');
--> statement-breakpoint
SELECT nyxcore_enable_tenant_rls('run_events');
--> statement-breakpoint
-- The event log is append-only for requests and workers: replay must return what was sent.
REVOKE UPDATE ON run_events FROM nyxcore_app;
