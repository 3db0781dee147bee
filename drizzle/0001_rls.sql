-- Hand-written: extensions, the request role, and Row-Level Security.
-- Drizzle's migrator sends each chunk separately (PGlite's extended protocol takes one
-- statement at a time), hence a breakpoint after every statement.
CREATE EXTENSION IF NOT EXISTS vector;
--> statement-breakpoint
-- Requests run as nyxcore_app (SET LOCAL ROLE inside each transaction): not a superuser,
-- not the tables' owner, no BYPASSRLS. Roles are cluster-wide, so create it only once.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'nyxcore_app') THEN
    CREATE ROLE nyxcore_app NOLOGIN NOSUPERUSER NOBYPASSRLS NOINHERIT;
  END IF;
END
$$;
--> statement-breakpoint
-- Let the connecting (owner) role switch to nyxcore_app with SET LOCAL ROLE.
DO $$
BEGIN
  EXECUTE format('GRANT nyxcore_app TO %I', current_user);
EXCEPTION WHEN others THEN
  -- Superusers may already switch to any role; the GRANT is only needed for non-superusers.
  NULL;
END
$$;
--> statement-breakpoint
GRANT USAGE ON SCHEMA public TO nyxcore_app;
--> statement-breakpoint
-- One way to put a table under tenant isolation; every later migration calls it for new
-- tenant tables, and the catalog test fails the suite for a table that was missed.
-- The setting is read with nullif(…, '') because a custom GUC that was once set with
-- set_config(…, true) reads as '' (not NULL) after the transaction ends on that pooled
-- connection, and ''::uuid would raise instead of matching nothing.
CREATE OR REPLACE FUNCTION nyxcore_enable_tenant_rls(tbl regclass) RETURNS void
LANGUAGE plpgsql AS $fn$
BEGIN
  EXECUTE format('ALTER TABLE %s ENABLE ROW LEVEL SECURITY', tbl);
  EXECUTE format('ALTER TABLE %s FORCE ROW LEVEL SECURITY', tbl);
  EXECUTE format('DROP POLICY IF EXISTS tenant_isolation ON %s', tbl);
  EXECUTE format(
    'CREATE POLICY tenant_isolation ON %s AS PERMISSIVE FOR ALL TO PUBLIC '
    'USING (tenant_id = nullif(current_setting(''app.tenant_id'', true), '''')::uuid) '
    'WITH CHECK (tenant_id = nullif(current_setting(''app.tenant_id'', true), '''')::uuid)', tbl);
  EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %s TO nyxcore_app', tbl);
END
$fn$;
--> statement-breakpoint
SELECT nyxcore_enable_tenant_rls('tenant_members');
--> statement-breakpoint
SELECT nyxcore_enable_tenant_rls('invitations');
--> statement-breakpoint
SELECT nyxcore_enable_tenant_rls('api_tokens');
--> statement-breakpoint
SELECT nyxcore_enable_tenant_rls('audit_log');
--> statement-breakpoint
SELECT nyxcore_enable_tenant_rls('projects');
--> statement-breakpoint
SELECT nyxcore_enable_tenant_rls('project_notes');
--> statement-breakpoint
-- The audit log is append-only for requests.
REVOKE UPDATE, DELETE ON audit_log FROM nyxcore_app;
--> statement-breakpoint
GRANT USAGE, SELECT ON SEQUENCE audit_log_id_seq TO nyxcore_app;
--> statement-breakpoint
-- Narrow pre-tenant lookups, each keyed on a value only its rightful holder knows:
-- a signed-in user sees their own memberships (to list and pick workspaces) …
CREATE POLICY member_self ON tenant_members AS PERMISSIVE FOR SELECT TO PUBLIC
  USING (user_id = nullif(current_setting('app.user_id', true), '')::uuid);
--> statement-breakpoint
-- … whoever presents an API token sees that token's row (its SHA-256 hash is the key) …
CREATE POLICY token_lookup ON api_tokens AS PERMISSIVE FOR SELECT TO PUBLIC
  USING (token_hash = nullif(current_setting('app.token_hash', true), ''));
--> statement-breakpoint
-- … and whoever holds an invitation link sees that invitation.
CREATE POLICY invite_lookup ON invitations AS PERMISSIVE FOR SELECT TO PUBLIC
  USING (token_hash = nullif(current_setting('app.invite_hash', true), ''));
--> statement-breakpoint
-- Workspaces: visible inside their own tenant transaction, and to their members.
ALTER TABLE tenants ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE tenants FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant_self ON tenants AS PERMISSIVE FOR ALL TO PUBLIC
  USING (id = nullif(current_setting('app.tenant_id', true), '')::uuid)
  WITH CHECK (id = nullif(current_setting('app.tenant_id', true), '')::uuid);
--> statement-breakpoint
CREATE POLICY tenant_member_visible ON tenants AS PERMISSIVE FOR SELECT TO PUBLIC
  USING (EXISTS (SELECT 1 FROM tenant_members m
                 WHERE m.tenant_id = tenants.id
                   AND m.user_id = nullif(current_setting('app.user_id', true), '')::uuid));
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON tenants TO nyxcore_app;
--> statement-breakpoint
-- Identity tables have no tenant; the auth service is their only caller.
GRANT SELECT, INSERT, UPDATE ON users TO nyxcore_app;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON sessions TO nyxcore_app;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON instance_setup TO nyxcore_app;
