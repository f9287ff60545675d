-- The database's second wall for identity (ADR 0015).
--
-- `users` and `sessions` carry no tenant and so no row-level security; until now the web's role
-- steward_app could read and write every column of both (password_hash included) and the web did its
-- per-request session and access lookups on the BYPASSRLS role steward_system. Now:
--   1. a small role steward_auth (NOBYPASSRLS, no table privileges except appending tenant-less audit
--      rows) used by the web only for identity: login, session validation, access resolution, logout,
--      password change — each through one SECURITY DEFINER function below that returns only what its
--      caller needs;
--   2. steward_app loses every privilege on `sessions` and every write and `password_hash` on `users`
--      (it keeps a column-level SELECT on the profile columns the member list shows); revoking a
--      member's sessions goes through steward_revoke_member_sessions(), scoped to its current tenants.
-- steward_system (the worker's role) keeps its DML but can no longer read password_hash.
--
-- The functions run as their owner (the migration role: a superuser, since the role migration creates
-- a BYPASSRLS role). They pin search_path, qualify every table and check their own predicates.

-- ---------------------------------------------------------------------------------------------
-- 1. Role (cluster-wide; the password is set by scripts/lib/migrate.mjs from AUTH_DATABASE_URL)
-- ---------------------------------------------------------------------------------------------
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'steward_auth') THEN
    CREATE ROLE steward_auth LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE NOINHERIT NOREPLICATION;
  END IF;
  ALTER ROLE steward_auth LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE NOREPLICATION;
END
$$;

GRANT USAGE ON SCHEMA public TO steward_auth;
-- Audit rows of logins, failed logins, logouts and password changes (tenant_id NULL: the tenant_insert
-- policy admits nothing else, since steward_auth never sets app.tenant_ids). Append-only as for the others.
GRANT INSERT ON TABLE "audit_logs" TO steward_auth;
GRANT USAGE ON SEQUENCE "audit_logs_id_seq" TO steward_auth;

-- ---------------------------------------------------------------------------------------------
-- 2. steward_app: no password hashes, no writes to identity tables
-- ---------------------------------------------------------------------------------------------
REVOKE ALL ON TABLE "users" FROM steward_app;
REVOKE ALL ON TABLE "sessions" FROM steward_app;
GRANT SELECT ("id", "email", "name", "disabled_at", "last_login_at", "created_at", "updated_at")
  ON TABLE "users" TO steward_app;

-- steward_system (the worker; the test factories) keeps its writes but no longer reads password hashes:
-- only steward_auth's two lookup functions (and the owner) do.
REVOKE SELECT ON TABLE "users" FROM steward_system;
GRANT SELECT ("id", "email", "name", "password_set_at", "disabled_at", "last_login_at", "created_at", "updated_at")
  ON TABLE "users" TO steward_system;

-- ---------------------------------------------------------------------------------------------
-- 3. Functions for steward_auth
-- ---------------------------------------------------------------------------------------------

-- Login: the hash to verify (in the application, argon2id) for an e-mail. Nothing for an unknown one.
CREATE FUNCTION steward_auth_login_lookup(p_email text)
  RETURNS TABLE (user_id uuid, password_hash text, disabled boolean)
  LANGUAGE sql STABLE SECURITY DEFINER
  SET search_path = pg_catalog, pg_temp
AS $$
  SELECT u.id, u.password_hash, u.disabled_at IS NOT NULL
    FROM public.users u
   WHERE u.email = p_email
$$;

-- Change password: the current hash of a user, to verify the current password.
CREATE FUNCTION steward_auth_password_hash(p_user uuid)
  RETURNS TABLE (password_hash text, disabled boolean)
  LANGUAGE sql STABLE SECURITY DEFINER
  SET search_path = pg_catalog, pg_temp
AS $$
  SELECT u.password_hash, u.disabled_at IS NOT NULL
    FROM public.users u
   WHERE u.id = p_user
$$;

-- A new session for an enabled user (stamps last_login_at); NULL for a disabled or unknown user.
CREATE FUNCTION steward_auth_open_session(p_user uuid, p_expires_at timestamptz, p_ip text, p_user_agent text)
  RETURNS uuid
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER
  SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  v_id uuid;
BEGIN
  UPDATE public.users SET last_login_at = now() WHERE id = p_user AND disabled_at IS NULL;
  IF NOT FOUND THEN
    RETURN NULL;
  END IF;
  INSERT INTO public.sessions (user_id, expires_at, ip, user_agent)
  VALUES (p_user, p_expires_at, p_ip, p_user_agent)
  RETURNING id INTO v_id;
  RETURN v_id;
END
$$;

-- The user behind a live session (not revoked, not expired, user enabled, minted after the last
-- password change), or no row. Touches last_seen_at at most once a minute.
CREATE FUNCTION steward_auth_session_user(p_session uuid)
  RETURNS TABLE (user_id uuid, email text, name text)
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER
  SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  v_seen timestamptz;
BEGIN
  SELECT u.id, u.email, u.name, s.last_seen_at
    INTO user_id, email, name, v_seen
    FROM public.sessions s
    JOIN public.users u ON u.id = s.user_id
   WHERE s.id = p_session
     AND s.revoked_at IS NULL
     AND s.expires_at > clock_timestamp()
     AND u.disabled_at IS NULL
     AND s.created_at >= u.password_set_at;
  IF NOT FOUND THEN
    RETURN;
  END IF;
  IF v_seen < clock_timestamp() - interval '1 minute' THEN
    UPDATE public.sessions SET last_seen_at = clock_timestamp()
     WHERE id = p_session AND last_seen_at < clock_timestamp() - interval '1 minute';
  END IF;
  RETURN NEXT;
END
$$;

-- Logout: revoke one live session; returns its user (for the audit row) when it was live, else nothing.
CREATE FUNCTION steward_auth_revoke_session(p_session uuid, p_why text)
  RETURNS TABLE (user_id uuid, email text, name text)
  LANGUAGE sql VOLATILE SECURITY DEFINER
  SET search_path = pg_catalog, pg_temp
AS $$
  WITH revoked AS (
    UPDATE public.sessions SET revoked_at = now(), revoked_why = p_why
     WHERE id = p_session AND revoked_at IS NULL
    RETURNING sessions.user_id
  )
  SELECT u.id, u.email, u.name FROM revoked r JOIN public.users u ON u.id = r.user_id
$$;

-- Change password: store the new hash (the database clock stamps password_set_at, as it stamps
-- sessions.created_at) and revoke every live session of the user. Returns how many were revoked, or
-- NULL for an unknown user.
CREATE FUNCTION steward_auth_set_password(p_user uuid, p_password_hash text, p_why text)
  RETURNS integer
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER
  SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  v_count integer;
BEGIN
  UPDATE public.users SET password_hash = p_password_hash, password_set_at = now(), updated_at = now()
   WHERE id = p_user;
  IF NOT FOUND THEN
    RETURN NULL;
  END IF;
  UPDATE public.sessions SET revoked_at = now(), revoked_why = p_why
   WHERE user_id = p_user AND revoked_at IS NULL;
  GET DIAGNOSTICS v_count = ROW_COUNT;
  RETURN v_count;
END
$$;

-- Access resolution (per request): the user's memberships with their organization …
CREATE FUNCTION steward_auth_user_memberships(p_user uuid)
  RETURNS TABLE (id uuid, tenant_id uuid, role "Role", scope_tenant_ids uuid[], tenant_kind "OrganizationKind",
                 tenant_name text, tenant_slug text)
  LANGUAGE sql STABLE SECURITY DEFINER
  SET search_path = pg_catalog, pg_temp
AS $$
  SELECT m.id, m.tenant_id, m.role, COALESCE(m.scope_tenant_ids, '{}'::uuid[]), o.kind, o.name, o.slug
    FROM public.memberships m
    JOIN public.organizations o ON o.id = m.tenant_id
   WHERE m.user_id = p_user
   ORDER BY m.created_at, m.id
$$;

-- … and the client tenants it may reach: children of its provider organizations and its own client
-- organizations (the domain's computeAccess narrows them by role and scope).
CREATE FUNCTION steward_auth_user_client_tenants(p_user uuid)
  RETURNS TABLE (id uuid, name text, slug text, timezone text, parent_id uuid)
  LANGUAGE sql STABLE SECURITY DEFINER
  SET search_path = pg_catalog, pg_temp
AS $$
  SELECT c.id, c.name, c.slug, c.timezone, c.parent_id
    FROM public.organizations c
   WHERE c.kind = 'CLIENT'
     AND (c.parent_id IN (SELECT m.tenant_id FROM public.memberships m
                            JOIN public.organizations p ON p.id = m.tenant_id AND p.kind = 'PROVIDER'
                           WHERE m.user_id = p_user)
          OR c.id IN (SELECT m.tenant_id FROM public.memberships m WHERE m.user_id = p_user))
   ORDER BY c.name, c.id
$$;

-- ---------------------------------------------------------------------------------------------
-- 4. Function for steward_app: a member's sessions, within the caller's tenant scope
-- ---------------------------------------------------------------------------------------------
-- Revokes every live session of the user holding `p_membership`, when that membership belongs to one
-- of the tenants in app.tenant_ids (withTenant's transaction-local scope). Returns how many (0 for a
-- membership outside the scope).
CREATE FUNCTION steward_revoke_member_sessions(p_membership uuid, p_why text)
  RETURNS integer
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER
  SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  v_user uuid;
  v_count integer;
BEGIN
  SELECT m.user_id INTO v_user
    FROM public.memberships m
   WHERE m.id = p_membership
     AND m.tenant_id = ANY (public.steward_current_tenants());
  IF v_user IS NULL THEN
    RETURN 0;
  END IF;
  UPDATE public.sessions SET revoked_at = now(), revoked_why = p_why
   WHERE user_id = v_user AND revoked_at IS NULL;
  GET DIAGNOSTICS v_count = ROW_COUNT;
  RETURN v_count;
END
$$;

-- ---------------------------------------------------------------------------------------------
-- 5. EXECUTE: nobody by default, each function to its one role
-- ---------------------------------------------------------------------------------------------
REVOKE ALL ON FUNCTION steward_auth_login_lookup(text) FROM PUBLIC;
REVOKE ALL ON FUNCTION steward_auth_password_hash(uuid) FROM PUBLIC;
REVOKE ALL ON FUNCTION steward_auth_open_session(uuid, timestamptz, text, text) FROM PUBLIC;
REVOKE ALL ON FUNCTION steward_auth_session_user(uuid) FROM PUBLIC;
REVOKE ALL ON FUNCTION steward_auth_revoke_session(uuid, text) FROM PUBLIC;
REVOKE ALL ON FUNCTION steward_auth_set_password(uuid, text, text) FROM PUBLIC;
REVOKE ALL ON FUNCTION steward_auth_user_memberships(uuid) FROM PUBLIC;
REVOKE ALL ON FUNCTION steward_auth_user_client_tenants(uuid) FROM PUBLIC;
REVOKE ALL ON FUNCTION steward_revoke_member_sessions(uuid, text) FROM PUBLIC;

GRANT EXECUTE ON FUNCTION steward_auth_login_lookup(text) TO steward_auth;
GRANT EXECUTE ON FUNCTION steward_auth_password_hash(uuid) TO steward_auth;
GRANT EXECUTE ON FUNCTION steward_auth_open_session(uuid, timestamptz, text, text) TO steward_auth;
GRANT EXECUTE ON FUNCTION steward_auth_session_user(uuid) TO steward_auth;
GRANT EXECUTE ON FUNCTION steward_auth_revoke_session(uuid, text) TO steward_auth;
GRANT EXECUTE ON FUNCTION steward_auth_set_password(uuid, text, text) TO steward_auth;
GRANT EXECUTE ON FUNCTION steward_auth_user_memberships(uuid) TO steward_auth;
GRANT EXECUTE ON FUNCTION steward_auth_user_client_tenants(uuid) TO steward_auth;
GRANT EXECUTE ON FUNCTION steward_revoke_member_sessions(uuid, text) TO steward_app;

-- ---------------------------------------------------------------------------------------------
-- 6. Hardening of an earlier SECURITY DEFINER trigger function: with pg_temp not named, a caller's
--    temporary table would be searched first and could shadow `organizations` in the scope check.
-- ---------------------------------------------------------------------------------------------
ALTER FUNCTION steward_check_membership_scope() SET search_path = public, pg_temp;
