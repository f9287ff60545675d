-- Regions, quorum and UNKNOWN (issue 3 item 3) and the tenant's SSRF allowlist (issue 3 item 2).
--
-- 1. monitors.regions: where the monitor is probed from (each region's workers run it once per slot);
--    monitors.region_quorum: how many regions must agree before the monitor is DOWN (N of M).
-- 2. probe_results is unique per (monitor, slot, region): exactly one run per monitor, interval and region.
-- 3. monitor_region_states: the state machine per region (confirmations, recovery, consecutive unknowns,
--    last check). The monitor's own state is the quorum aggregate of these (domain/region-quorum.ts).
-- 4. organizations.probe_allow_cidrs: CIDRs a tenant's probes may reach although the SSRF guard denies
--    them by default (private, loopback, ...). Added to the deployment's own allowlist.

ALTER TABLE "monitors" ADD COLUMN "regions" text[] NOT NULL DEFAULT '{local}';
ALTER TABLE "monitors" ADD COLUMN "region_quorum" integer NOT NULL DEFAULT 1;
ALTER TABLE "monitors" ADD CONSTRAINT "monitors_regions_check"
  CHECK (cardinality("regions") BETWEEN 1 AND 16 AND array_position("regions", NULL) IS NULL);
ALTER TABLE "monitors" ADD CONSTRAINT "monitors_region_quorum_check"
  CHECK ("region_quorum" >= 1 AND "region_quorum" <= cardinality("regions"));

ALTER TABLE "probe_results" DROP CONSTRAINT "probe_results_pkey";
ALTER TABLE "probe_results" ADD CONSTRAINT "probe_results_pkey" PRIMARY KEY ("monitor_id", "scheduled_at", "region");

CREATE TABLE "monitor_region_states" (
    "monitor_id" UUID NOT NULL,
    "region" TEXT NOT NULL,
    "tenant_id" UUID NOT NULL,
    "state" "MonitorState" NOT NULL DEFAULT 'UNKNOWN',
    "consecutive_failures" INTEGER NOT NULL DEFAULT 0,
    "consecutive_successes" INTEGER NOT NULL DEFAULT 0,
    "consecutive_unknowns" INTEGER NOT NULL DEFAULT 0,
    "last_checked_at" TIMESTAMPTZ(3),
    "last_latency_ms" INTEGER,
    "last_error" TEXT,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "monitor_region_states_pkey" PRIMARY KEY ("monitor_id", "region"),
    CONSTRAINT "monitor_region_states_monitor_id_fkey"
      FOREIGN KEY ("monitor_id") REFERENCES "monitors" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "monitor_region_states_tenant_monitor_fkey"
      FOREIGN KEY ("tenant_id", "monitor_id") REFERENCES "monitors" ("tenant_id", "id") ON DELETE CASCADE
);
CREATE INDEX "monitor_region_states_tenant_id_idx" ON "monitor_region_states" ("tenant_id");
SELECT steward_enable_tenant_rls('public.monitor_region_states', 'tenant_id');

ALTER TABLE "organizations" ADD COLUMN "probe_allow_cidrs" text[] NOT NULL DEFAULT '{}';
