-- probe_results bytes per raw row (B6, ADR 0006). Every reader of raw results names its monitors (the
-- primary key (monitor_id, scheduled_at, region) serves them; tenant-wide reads look the tenant's monitor
-- ids up in monitors) or reads a time range across all tenants (the hourly roller). The
-- (tenant_id, scheduled_at) index served neither well and cost 11 B per row at best (deduplicated) and up
-- to 36 B when slots have millisecond phase offsets. It goes; a BRIN index on scheduled_at (one summary
-- per 128 heap pages: rows arrive in slot order, so each range covers a few seconds) lets the roller
-- read one hour of a day partition instead of all of it, for a few kB per partition.
DROP INDEX "probe_results_tenant_id_scheduled_at_idx";
CREATE INDEX "probe_results_scheduled_at_idx" ON "probe_results" USING brin ("scheduled_at");
