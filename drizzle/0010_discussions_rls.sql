-- Tenant isolation for discussions (see 0001_rls.sql for the helper).
SELECT nyxcore_enable_tenant_rls('discussions');
--> statement-breakpoint
SELECT nyxcore_enable_tenant_rls('discussion_messages');
