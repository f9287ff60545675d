-- Steward: what prisma/schema.prisma cannot express.
--   1. probe_results partitioned by day on scheduled_at (+ DEFAULT partition, ensure/drop functions)
--   2. partial unique indexes, the state_intervals exclusion constraint and CHECK
--   3. database roles steward_app (NOBYPASSRLS) and steward_system (BYPASSRLS, DML only) and grants
--   4. audit_logs is append-only (privileges + trigger)
--   5. row-level security on every tenant table
--
-- Identity tables `users` and `sessions` carry no tenant and deliberately have NO row-level security:
-- login and session checks run before a tenant is known (through steward_system). Services must
-- never hand a user/session row of another person to a caller.
--
-- The table owner (the migration role) is a superuser locally and bypasses RLS. Where the owner is
-- not a superuser, FORCE ROW LEVEL SECURITY applies to it too: data backfills in later migrations
-- must then set app.tenant_ids or run as a BYPASSRLS role.
--
-- Later migrations that add a tenant table: `SELECT steward_enable_tenant_rls('new_table');`
-- (grants to the app roles come from ALTER DEFAULT PRIVILEGES below).

-- ---------------------------------------------------------------------------------------------
-- 0. Extensions
-- ---------------------------------------------------------------------------------------------
CREATE EXTENSION IF NOT EXISTS btree_gist;

-- ---------------------------------------------------------------------------------------------
-- 1. Roles (cluster-wide; created once, passwords are set by scripts/lib/migrate.mjs from the URLs)
-- ---------------------------------------------------------------------------------------------
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'steward_app') THEN
    CREATE ROLE steward_app LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE NOINHERIT NOREPLICATION;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'steward_system') THEN
    CREATE ROLE steward_system LOGIN NOSUPERUSER BYPASSRLS NOCREATEDB NOCREATEROLE NOINHERIT NOREPLICATION;
  END IF;
  -- Re-assert the attributes in case the roles pre-existed with other ones.
  ALTER ROLE steward_app LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE NOREPLICATION;
  ALTER ROLE steward_system LOGIN NOSUPERUSER BYPASSRLS NOCREATEDB NOCREATEROLE NOREPLICATION;
END
$$;

-- No DDL for the application roles.
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO steward_app, steward_system;

-- ---------------------------------------------------------------------------------------------
-- 2. Tenant scope
-- ---------------------------------------------------------------------------------------------
-- app.tenant_ids is a comma-separated list of uuids set per transaction by withTenant()
-- (`select set_config('app.tenant_ids', $1, true)`). Unset or empty means no tenant: no rows.
CREATE FUNCTION steward_current_tenants() RETURNS uuid[]
  LANGUAGE sql STABLE PARALLEL SAFE
  SET search_path = pg_catalog, pg_temp
AS $$
  SELECT COALESCE(
    regexp_split_to_array(NULLIF(btrim(current_setting('app.tenant_ids', true)), ''), '\s*,\s*')::uuid[],
    '{}'::uuid[]
  )
$$;

-- Enables + forces RLS on a tenant table and (re)creates its isolation policy. Idempotent.
-- The scalar sub-select makes the planner evaluate the tenant list once per statement (InitPlan).
CREATE FUNCTION steward_enable_tenant_rls(tbl regclass, col name DEFAULT 'tenant_id') RETURNS void
  LANGUAGE plpgsql
  SET search_path = public, pg_temp
AS $$
BEGIN
  EXECUTE format('ALTER TABLE %s ENABLE ROW LEVEL SECURITY', tbl);
  EXECUTE format('ALTER TABLE %s FORCE ROW LEVEL SECURITY', tbl);
  EXECUTE format('DROP POLICY IF EXISTS tenant_isolation ON %s', tbl);
  EXECUTE format(
    'CREATE POLICY tenant_isolation ON %s AS PERMISSIVE FOR ALL '
    'USING (%2$I = ANY ((SELECT steward_current_tenants())::uuid[])) '
    'WITH CHECK (%2$I = ANY ((SELECT steward_current_tenants())::uuid[]))',
    tbl, col);
END
$$;
REVOKE ALL ON FUNCTION steward_enable_tenant_rls(regclass, name) FROM PUBLIC;

-- ---------------------------------------------------------------------------------------------
-- 3. probe_results: partitioned by day (UTC) on scheduled_at
-- ---------------------------------------------------------------------------------------------
-- The init migration created a plain table (that is how Prisma sees it); it is empty here, so
-- recreate it partitioned with the same columns, primary key and index names.
DROP TABLE "probe_results";

CREATE TABLE "probe_results" (
    "monitor_id" UUID NOT NULL,
    "scheduled_at" TIMESTAMPTZ(3) NOT NULL,
    "tenant_id" UUID NOT NULL,
    "checked_at" TIMESTAMPTZ(3) NOT NULL,
    "state" "MonitorState" NOT NULL,
    "latency_ms" INTEGER,
    "status_code" SMALLINT,
    "error" TEXT,
    "region" TEXT NOT NULL DEFAULT 'local',

    CONSTRAINT "probe_results_pkey" PRIMARY KEY ("monitor_id","scheduled_at")
) PARTITION BY RANGE ("scheduled_at");

CREATE INDEX "probe_results_tenant_id_scheduled_at_idx" ON "probe_results"("tenant_id", "scheduled_at");

CREATE TABLE "probe_results_default" PARTITION OF "probe_results" DEFAULT;

-- Creates the daily partitions probe_results_pYYYYMMDD for [today-1, today+days_ahead] (UTC) that
-- do not exist yet. Rows already sitting in the DEFAULT partition for such a day are moved into the
-- new partition. Idempotent and serialised by an advisory lock; runs as the owner (SECURITY
-- DEFINER) so the worker's steward_system role can call it without DDL rights.
CREATE FUNCTION steward_ensure_probe_partitions(days_ahead int DEFAULT 7) RETURNS int
  LANGUAGE plpgsql
  SECURITY DEFINER
  SET search_path = public, pg_temp
AS $$
DECLARE
  today date := (now() AT TIME ZONE 'UTC')::date;
  d date;
  part text;
  lo timestamptz;
  hi timestamptz;
  lo_lit text;
  hi_lit text;
  created int := 0;
BEGIN
  IF days_ahead < 0 OR days_ahead > 366 THEN
    RAISE EXCEPTION 'days_ahead must be between 0 and 366, got %', days_ahead;
  END IF;
  PERFORM pg_advisory_xact_lock(hashtext('steward_ensure_probe_partitions'));
  FOR d IN SELECT generate_series(today - 1, today + days_ahead, interval '1 day')::date LOOP
    part := 'probe_results_p' || to_char(d, 'YYYYMMDD');
    CONTINUE WHEN to_regclass(format('public.%I', part)) IS NOT NULL;
    lo := d::timestamp AT TIME ZONE 'UTC';
    hi := (d + 1)::timestamp AT TIME ZONE 'UTC';
    -- Bounds as explicit UTC literals, independent of the session's TimeZone/DateStyle.
    lo_lit := to_char(d, 'YYYY-MM-DD') || ' 00:00:00+00';
    hi_lit := to_char(d + 1, 'YYYY-MM-DD') || ' 00:00:00+00';
    IF EXISTS (SELECT 1 FROM probe_results_default WHERE scheduled_at >= lo AND scheduled_at < hi) THEN
      EXECUTE format('CREATE TABLE %I (LIKE probe_results INCLUDING DEFAULTS INCLUDING CONSTRAINTS)', part);
      EXECUTE format(
        'WITH moved AS (DELETE FROM probe_results_default WHERE scheduled_at >= $1 AND scheduled_at < $2 RETURNING *) '
        'INSERT INTO %I SELECT * FROM moved', part) USING lo, hi;
      EXECUTE format('ALTER TABLE probe_results ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)', part, lo_lit, hi_lit);
    ELSE
      EXECUTE format('CREATE TABLE %I PARTITION OF probe_results FOR VALUES FROM (%L) TO (%L)', part, lo_lit, hi_lit);
    END IF;
    -- Partitions are reachable by name, so they get the same isolation as the parent.
    PERFORM steward_enable_tenant_rls(format('public.%I', part)::regclass);
    created := created + 1;
  END LOOP;
  RETURN created;
END
$$;

-- Retention: drops whole daily partitions that end on or before `cutoff` (UTC midnight) and
-- removes older stragglers from the DEFAULT partition. Returns the number of partitions dropped.
CREATE FUNCTION steward_drop_probe_partitions_before(cutoff date) RETURNS int
  LANGUAGE plpgsql
  SECURITY DEFINER
  SET search_path = public, pg_temp
AS $$
DECLARE
  r record;
  dropped int := 0;
BEGIN
  PERFORM pg_advisory_xact_lock(hashtext('steward_ensure_probe_partitions'));
  FOR r IN
    SELECT c.relname
      FROM pg_inherits i
      JOIN pg_class c ON c.oid = i.inhrelid
      JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE i.inhparent = 'public.probe_results'::regclass
       AND n.nspname = 'public'
       AND c.relname ~ '^probe_results_p[0-9]{8}$'
       AND to_date(substr(c.relname, 16), 'YYYYMMDD') + 1 <= cutoff
     ORDER BY c.relname
  LOOP
    EXECUTE format('DROP TABLE %I', r.relname);
    dropped := dropped + 1;
  END LOOP;
  DELETE FROM probe_results_default WHERE scheduled_at < (cutoff::timestamp AT TIME ZONE 'UTC');
  RETURN dropped;
END
$$;

REVOKE ALL ON FUNCTION steward_ensure_probe_partitions(int) FROM PUBLIC;
REVOKE ALL ON FUNCTION steward_drop_probe_partitions_before(date) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION steward_ensure_probe_partitions(int) TO steward_system;
GRANT EXECUTE ON FUNCTION steward_drop_probe_partitions_before(date) TO steward_system;

-- ---------------------------------------------------------------------------------------------
-- 4. Constraints Prisma cannot express
-- ---------------------------------------------------------------------------------------------
-- One open (not RESOLVED) incident per monitor.
CREATE UNIQUE INDEX "incidents_open_monitor_id_key" ON "incidents"("monitor_id")
  WHERE "status" <> 'RESOLVED' AND "monitor_id" IS NOT NULL;

-- One open interval per monitor; intervals of one monitor never overlap; an interval has length.
CREATE UNIQUE INDEX "state_intervals_open_monitor_id_key" ON "state_intervals"("monitor_id")
  WHERE "ended_at" IS NULL;
ALTER TABLE "state_intervals"
  ADD CONSTRAINT "state_intervals_ended_after_started_check" CHECK ("ended_at" > "started_at");
ALTER TABLE "state_intervals"
  ADD CONSTRAINT "state_intervals_no_overlap_excl"
  EXCLUDE USING gist ("monitor_id" WITH =, tstzrange("started_at", "ended_at", '[)') WITH &&);

-- ---------------------------------------------------------------------------------------------
-- 5. Privileges
-- ---------------------------------------------------------------------------------------------
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO steward_app, steward_system;
GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO steward_app, steward_system;
-- Tables and sequences created later by the migration role are covered too.
ALTER DEFAULT PRIVILEGES IN SCHEMA public
  GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO steward_app, steward_system;
ALTER DEFAULT PRIVILEGES IN SCHEMA public
  GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO steward_app, steward_system;

-- The migration bookkeeping table is not the application's business.
DO $$
BEGIN
  IF to_regclass('public._prisma_migrations') IS NOT NULL THEN
    REVOKE ALL ON TABLE public._prisma_migrations FROM steward_app, steward_system;
  END IF;
END
$$;

-- ---------------------------------------------------------------------------------------------
-- 6. audit_logs is append-only
-- ---------------------------------------------------------------------------------------------
REVOKE UPDATE, DELETE, TRUNCATE ON TABLE "audit_logs" FROM steward_app, steward_system;
GRANT SELECT, INSERT ON TABLE "audit_logs" TO steward_app, steward_system;

CREATE FUNCTION steward_audit_logs_append_only() RETURNS trigger
  LANGUAGE plpgsql
AS $$
BEGIN
  RAISE EXCEPTION 'audit_logs is append-only (% refused)', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE TRIGGER audit_logs_append_only_row
  BEFORE UPDATE OR DELETE ON "audit_logs"
  FOR EACH ROW EXECUTE FUNCTION steward_audit_logs_append_only();
CREATE TRIGGER audit_logs_append_only_truncate
  BEFORE TRUNCATE ON "audit_logs"
  FOR EACH STATEMENT EXECUTE FUNCTION steward_audit_logs_append_only();

-- ---------------------------------------------------------------------------------------------
-- 7. Row-level security
-- ---------------------------------------------------------------------------------------------
SELECT steward_enable_tenant_rls('public.memberships');
SELECT steward_enable_tenant_rls('public.assets');
SELECT steward_enable_tenant_rls('public.asset_dependencies');
SELECT steward_enable_tenant_rls('public.monitors');
SELECT steward_enable_tenant_rls('public.probe_results');
SELECT steward_enable_tenant_rls('public.probe_results_default');
SELECT steward_enable_tenant_rls('public.state_intervals');
SELECT steward_enable_tenant_rls('public.incidents');
SELECT steward_enable_tenant_rls('public.incident_events');
SELECT steward_enable_tenant_rls('public.service_contracts');

-- organizations: a tenant sees its own organization row only (a client sees neither its provider
-- nor its siblings). Provider-wide reads go through steward_system.
SELECT steward_enable_tenant_rls('public.organizations', 'id');

-- audit_logs: steward_app reads its tenants' rows, inserts rows of its tenants or with no tenant
-- (tenant_id NULL: login, provider-wide actions); NULL-tenant rows are readable only by
-- steward_system (BYPASSRLS). No UPDATE/DELETE policy: nothing may change.
ALTER TABLE "audit_logs" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "audit_logs" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_read ON "audit_logs" AS PERMISSIVE FOR SELECT
  USING ("tenant_id" = ANY ((SELECT steward_current_tenants())::uuid[]));
CREATE POLICY tenant_insert ON "audit_logs" AS PERMISSIVE FOR INSERT
  WITH CHECK ("tenant_id" IS NULL OR "tenant_id" = ANY ((SELECT steward_current_tenants())::uuid[]));

-- ---------------------------------------------------------------------------------------------
-- 8. Initial partitions (the worker calls steward_ensure_probe_partitions daily)
-- ---------------------------------------------------------------------------------------------
SELECT steward_ensure_probe_partitions(7);
