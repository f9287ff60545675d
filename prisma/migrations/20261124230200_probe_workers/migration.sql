-- Monitor list at scale (issue 3 item 5) and the probe fleet.
--   1. monitors.tags (text[]) for the list's tag filter, GIN-indexed;
--   2. a trigram index for the list's name/URL search (ILIKE '%q%' on the same expression);
--   3. (tenant_id, sort column) indexes for the list's sort orders at 5,000 monitors per tenant;
--   4. probe_workers: one row per worker process, upserted by its heartbeat every 5 s. Provider-level (no
--      tenant_id, no RLS): the web role may only read it (through a provider-staff procedure), the worker
--      (steward_system) writes it.

CREATE EXTENSION IF NOT EXISTS pg_trgm;

ALTER TABLE "monitors" ADD COLUMN "tags" text[] NOT NULL DEFAULT '{}';
CREATE INDEX "monitors_tags_idx" ON "monitors" USING gin ("tags");
CREATE INDEX "monitors_search_trgm_idx" ON "monitors"
  USING gin ((lower("name" || ' ' || coalesce("config" ->> 'url', ''))) gin_trgm_ops);
CREATE INDEX "monitors_tenant_id_kind_idx" ON "monitors" ("tenant_id", "kind");
CREATE INDEX "monitors_tenant_id_last_checked_at_idx" ON "monitors" ("tenant_id", "last_checked_at");
CREATE INDEX "monitors_tenant_id_last_latency_ms_idx" ON "monitors" ("tenant_id", "last_latency_ms");
CREATE INDEX "monitors_tenant_id_state_name_idx" ON "monitors" ("tenant_id", "state", "name");
-- The live-update poll: max(updated_at) per tenant.
CREATE INDEX "monitors_tenant_id_updated_at_idx" ON "monitors" ("tenant_id", "updated_at");

CREATE TABLE "probe_workers" (
  "id" text PRIMARY KEY,
  "region" text NOT NULL DEFAULT 'local',
  "hostname" text NOT NULL,
  "pid" integer NOT NULL,
  "concurrency" integer,
  "started_at" timestamptz(3) NOT NULL,
  "last_heartbeat_at" timestamptz(3) NOT NULL,
  "lag_p95_ms" integer,
  "probes_per_second" double precision NOT NULL DEFAULT 0,
  "probes_total" bigint NOT NULL DEFAULT 0
);
CREATE INDEX "probe_workers_last_heartbeat_at_idx" ON "probe_workers" ("last_heartbeat_at");

REVOKE INSERT, UPDATE, DELETE ON "probe_workers" FROM steward_app;
GRANT SELECT ON "probe_workers" TO steward_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON "probe_workers" TO steward_system;
