-- Hand-written: Row-Level Security on users. Inside a request transaction nyxcore_app could
-- read every account row; now it sees only the accounts the request has a reason to see.
-- Enabled, not forced: the owner role (migrations, the user count below) keeps full access,
-- and requests never run as the owner.
ALTER TABLE users ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
-- The signed-in user themself (profile, own email on tokens and discussions).
CREATE POLICY user_self ON users AS PERMISSIVE FOR ALL TO PUBLIC
  USING (id = nullif(current_setting('app.user_id', true), '')::uuid)
  WITH CHECK (id = nullif(current_setting('app.user_id', true), '')::uuid);
--> statement-breakpoint
-- Members of the current workspace (member list, who owns which token).
CREATE POLICY user_coworker ON users AS PERMISSIVE FOR SELECT TO PUBLIC
  USING (EXISTS (SELECT 1 FROM tenant_members m
                 WHERE m.user_id = users.id
                   AND m.tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid));
--> statement-breakpoint
-- Sign-in and sign-up look up the one address that was typed in; sign-up inserts only it.
CREATE POLICY user_by_email ON users AS PERMISSIVE FOR SELECT TO PUBLIC
  USING (lower(email) = nullif(current_setting('app.user_email', true), ''));
--> statement-breakpoint
CREATE POLICY user_signup ON users AS PERMISSIVE FOR INSERT TO PUBLIC
  WITH CHECK (lower(email) = nullif(current_setting('app.user_email', true), ''));
--> statement-breakpoint
-- Whoever presents a session cookie or an API token sees the account it belongs to
-- (the SHA-256 of the secret is the key, as for the token and invitation lookups).
CREATE POLICY user_by_session ON users AS PERMISSIVE FOR SELECT TO PUBLIC
  USING (EXISTS (SELECT 1 FROM sessions s
                 WHERE s.user_id = users.id
                   AND s.token_hash = nullif(current_setting('app.session_hash', true), '')));
--> statement-breakpoint
CREATE POLICY user_by_token ON users AS PERMISSIVE FOR SELECT TO PUBLIC
  USING (EXISTS (SELECT 1 FROM api_tokens t
                 WHERE t.user_id = users.id
                   AND t.token_hash = nullif(current_setting('app.token_hash', true), '')));
--> statement-breakpoint
-- "Has anyone signed up yet?" (first-run setup) without letting requests read the rows.
CREATE OR REPLACE FUNCTION nyxcore_user_count() RETURNS integer
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $fn$
  SELECT count(*)::int FROM users
$fn$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION nyxcore_user_count() FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION nyxcore_user_count() TO nyxcore_app;
