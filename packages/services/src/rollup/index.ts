export * from "./advance-rollups.ts";
export * from "./drop-expired-probe-partitions.ts";
export * from "./get-latency-percentiles.ts";
export * from "./get-uptime-from-rollups.ts";
export * from "./roll-daily-rollups.ts";
export * from "./roll-hourly-rollups.ts";
export { planRollupWindow, type RollupPlan } from "./rollup-plan.ts";
export {
  type RollupLatencyPoint,
  type RollupWindow,
  rollupLatencySeries,
  rollupLatencySummaries,
  rollupStateSeconds,
} from "./rollup-reads.ts";
export { type RollupLevel, readWatermarks } from "./rollup-watermarks.ts";
