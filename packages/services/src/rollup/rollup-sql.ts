/** SQL shared by the rollup writers (raw `pg`, steward_system). */

/** Columns of both rollup tables, in insert order. */
export const ROLLUP_COLUMNS = [
  "monitor_id",
  "bucket_start",
  "tenant_id",
  "up_ms",
  "degraded_ms",
  "down_ms",
  "unknown_ms",
  "maintenance_ms",
  "probes_ok",
  "probes_fail",
  "probes_unknown",
  "latency_hist",
  "latency_count",
  "latency_sum",
  "latency_min",
  "latency_max",
  "rolled_at",
] as const;

export const UPSERT_SET = ROLLUP_COLUMNS.filter((c) => !["monitor_id", "bucket_start"].includes(c))
  .map((c) => `${c} = EXCLUDED.${c}`)
  .join(", ");

/** date_bin origin: a UTC midnight, so 1-hour and 1-day bins are UTC hours and days. */
export const BIN_ORIGIN = "'2000-01-01 00:00:00+00'::timestamptz";
