-- Hourly and daily monitor rollups (issue 3 item 4; architecture.md "Time series and exact uptime").
--
-- One row per (monitor, bucket): milliseconds per state intersected from state_intervals (exact, integer
-- milliseconds so sums over any period stay exact; "seconds" = ms / 1000), probe counts, and a mergeable
-- latency histogram (packages/domain/src/latency-histogram.ts: 64 fixed log-spaced buckets; merging is
-- element-wise addition) with exact count / sum / min / max.
--
-- Buckets are UTC: hourly rows start on the UTC hour, daily rows on the UTC midnight. A day in a tenant's
-- zone is the sum of that zone-day's 24 hourly rows (whole-hour offsets). Zones with 30/45-minute offsets
-- (e.g. Asia/Kolkata, Australia/Adelaide, Asia/Kathmandu) are out of scope for rollups for now: their days
-- must be computed from state_intervals (exact) until 15-minute rollups exist.
--
-- Written by the worker (steward_system) in set-based statements (packages/services/src/rollup); read by
-- the app (steward_app) under RLS like every tenant table.

CREATE TABLE "monitor_rollups_hourly" (
    "monitor_id" UUID NOT NULL,
    "bucket_start" TIMESTAMPTZ(3) NOT NULL,
    "tenant_id" UUID NOT NULL,
    "up_ms" INTEGER NOT NULL DEFAULT 0,
    "degraded_ms" INTEGER NOT NULL DEFAULT 0,
    "down_ms" INTEGER NOT NULL DEFAULT 0,
    "unknown_ms" INTEGER NOT NULL DEFAULT 0,
    "maintenance_ms" INTEGER NOT NULL DEFAULT 0,
    "probes_ok" INTEGER NOT NULL DEFAULT 0,
    "probes_fail" INTEGER NOT NULL DEFAULT 0,
    "probes_unknown" INTEGER NOT NULL DEFAULT 0,
    "latency_hist" INTEGER[] NOT NULL,
    "latency_count" INTEGER NOT NULL DEFAULT 0,
    "latency_sum" BIGINT NOT NULL DEFAULT 0,
    "latency_min" INTEGER,
    "latency_max" INTEGER,
    -- The `now` the row was computed at: a row is final once rolled_at >= bucket end.
    "rolled_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "monitor_rollups_hourly_pkey" PRIMARY KEY ("monitor_id", "bucket_start"),
    CONSTRAINT "monitor_rollups_hourly_aligned_check" CHECK (date_trunc('hour', "bucket_start", 'UTC') = "bucket_start"),
    CONSTRAINT "monitor_rollups_hourly_hist_check" CHECK (cardinality("latency_hist") = 64),
    CONSTRAINT "monitor_rollups_hourly_tenant_monitor_fkey"
      FOREIGN KEY ("tenant_id", "monitor_id") REFERENCES "monitors" ("tenant_id", "id") ON DELETE CASCADE
);
CREATE INDEX "monitor_rollups_hourly_tenant_id_bucket_start_idx" ON "monitor_rollups_hourly" ("tenant_id", "bucket_start");

CREATE TABLE "monitor_rollups_daily" (
    "monitor_id" UUID NOT NULL,
    "bucket_start" TIMESTAMPTZ(3) NOT NULL,
    "tenant_id" UUID NOT NULL,
    "up_ms" INTEGER NOT NULL DEFAULT 0,
    "degraded_ms" INTEGER NOT NULL DEFAULT 0,
    "down_ms" INTEGER NOT NULL DEFAULT 0,
    "unknown_ms" INTEGER NOT NULL DEFAULT 0,
    "maintenance_ms" INTEGER NOT NULL DEFAULT 0,
    "probes_ok" INTEGER NOT NULL DEFAULT 0,
    "probes_fail" INTEGER NOT NULL DEFAULT 0,
    "probes_unknown" INTEGER NOT NULL DEFAULT 0,
    "latency_hist" INTEGER[] NOT NULL,
    "latency_count" INTEGER NOT NULL DEFAULT 0,
    "latency_sum" BIGINT NOT NULL DEFAULT 0,
    "latency_min" INTEGER,
    "latency_max" INTEGER,
    "rolled_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "monitor_rollups_daily_pkey" PRIMARY KEY ("monitor_id", "bucket_start"),
    CONSTRAINT "monitor_rollups_daily_aligned_check" CHECK (date_trunc('day', "bucket_start", 'UTC') = "bucket_start"),
    CONSTRAINT "monitor_rollups_daily_hist_check" CHECK (cardinality("latency_hist") = 64),
    CONSTRAINT "monitor_rollups_daily_tenant_monitor_fkey"
      FOREIGN KEY ("tenant_id", "monitor_id") REFERENCES "monitors" ("tenant_id", "id") ON DELETE CASCADE
);
CREATE INDEX "monitor_rollups_daily_tenant_id_bucket_start_idx" ON "monitor_rollups_daily" ("tenant_id", "bucket_start");

SELECT steward_enable_tenant_rls('public.monitor_rollups_hourly', 'tenant_id');
SELECT steward_enable_tenant_rls('public.monitor_rollups_daily', 'tenant_id');

-- What has been rolled, cluster-wide (no tenant data): rollups are authoritative for every bucket in
-- [covered_from, covered_until) for EVERY monitor (a monitor without a row there had no data). Readers
-- use rollups inside that range and state_intervals / probe_results outside it, so answers stay exact
-- whether or not the job has run. Only the worker (steward_system) writes it.
CREATE TABLE "rollup_watermarks" (
    "name" TEXT NOT NULL,
    "covered_from" TIMESTAMPTZ(3) NOT NULL,
    "covered_until" TIMESTAMPTZ(3) NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "rollup_watermarks_pkey" PRIMARY KEY ("name"),
    CONSTRAINT "rollup_watermarks_name_check" CHECK ("name" IN ('hourly', 'daily')),
    CONSTRAINT "rollup_watermarks_range_check" CHECK ("covered_until" >= "covered_from")
);
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON TABLE "rollup_watermarks" FROM steward_app;
GRANT SELECT ON TABLE "rollup_watermarks" TO steward_app;

-- The rollers (all tenants) and the readers' raw edges (one tenant) find the state_intervals overlapping
-- a recent window by their end (NULL = open; btree indexes NULLs), not by scanning every interval.
CREATE INDEX "state_intervals_ended_at_idx" ON "state_intervals" ("ended_at");
CREATE INDEX "state_intervals_tenant_id_ended_at_idx" ON "state_intervals" ("tenant_id", "ended_at");
