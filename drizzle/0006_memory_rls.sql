-- Tenant isolation for memory (see 0001_rls.sql for the helper).
SELECT nyxcore_enable_tenant_rls('memory_entries');
--> statement-breakpoint
SELECT nyxcore_enable_tenant_rls('workflow_insights');
--> statement-breakpoint
SELECT nyxcore_enable_tenant_rls('memory_settings');
