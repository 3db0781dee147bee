-- Tenant isolation for the LLM layer and personas (see 0001_rls.sql for the helper).
SELECT nyxcore_enable_tenant_rls('provider_keys');
--> statement-breakpoint
SELECT nyxcore_enable_tenant_rls('llm_settings');
--> statement-breakpoint
SELECT nyxcore_enable_tenant_rls('model_catalog');
--> statement-breakpoint
SELECT nyxcore_enable_tenant_rls('llm_usage');
--> statement-breakpoint
SELECT nyxcore_enable_tenant_rls('personas');
--> statement-breakpoint
-- Usage rows are the cost ledger: append-only for requests, like the audit log.
REVOKE UPDATE, DELETE ON llm_usage FROM nyxcore_app;
--> statement-breakpoint
GRANT USAGE, SELECT ON SEQUENCE llm_usage_id_seq TO nyxcore_app;
