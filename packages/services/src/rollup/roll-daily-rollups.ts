import { getSystemPool } from "@steward/db";
import { LATENCY_BUCKET_COUNT } from "@steward/domain";
import { inTransaction } from "./roll-hourly-rollups.ts";
import type { Coverage } from "./rollup-plan.ts";
import { ceilTo, DAY_MS, floorTo } from "./rollup-plan.ts";
import { BIN_ORIGIN, ROLLUP_COLUMNS, UPSERT_SET } from "./rollup-sql.ts";
import { extendWatermark, readWatermarks } from "./rollup-watermarks.ts";

export interface RollDailyInput {
  /** UTC day boundaries; [from, to). Only days whose 24 hours are covered by hourly rollups are rolled. */
  from: Date;
  to: Date;
  now?: Date;
}

export interface RollDailyResult {
  statements: number;
  upserted: number;
  deleted: number;
  /** The days actually rolled (clamped to the hourly coverage), or null. */
  rolled: { from: Date; to: Date } | null;
  coverage: Coverage | null;
}

/**
 * Daily rows as the sum of their 24 hourly rows: state ms, counts, min/max, and the histograms added
 * element-wise (64 sum(latency_hist[i]) aggregates in one pass). One statement per day for every monitor.
 */
export function dailyRollupSql(): string {
  // Element-wise sum as 64 plain aggregates (one pass, no unnest): sum(latency_hist[1]), …
  const histSums = Array.from({ length: LATENCY_BUCKET_COUNT }, (_, i) => `sum(latency_hist[${i + 1}])`).join(", ");
  return `
WITH src AS (
  SELECT * FROM monitor_rollups_hourly
   WHERE bucket_start >= $1::timestamptz AND bucket_start < $2::timestamptz
),
sums AS (
  SELECT tenant_id, monitor_id, date_bin('1 day', bucket_start, ${BIN_ORIGIN}) AS bucket_start,
         sum(up_ms) AS up_ms, sum(degraded_ms) AS degraded_ms, sum(down_ms) AS down_ms,
         sum(unknown_ms) AS unknown_ms, sum(maintenance_ms) AS maintenance_ms,
         sum(probes_ok) AS ok, sum(probes_fail) AS fail, sum(probes_unknown) AS unk,
         sum(latency_count) AS lc, sum(latency_sum) AS ls, min(latency_min) AS lmin, max(latency_max) AS lmax,
         ARRAY[${histSums}]::int[] AS hist
    FROM src GROUP BY 1, 2, 3
),
del AS (
  DELETE FROM monitor_rollups_daily r
   WHERE r.bucket_start >= $1::timestamptz AND r.bucket_start < $2::timestamptz
     AND NOT EXISTS (SELECT 1 FROM sums s WHERE s.monitor_id = r.monitor_id AND s.bucket_start = r.bucket_start)
  RETURNING 1
),
ins AS (
  INSERT INTO monitor_rollups_daily (${ROLLUP_COLUMNS.join(", ")})
  SELECT s.monitor_id, s.bucket_start, s.tenant_id, s.up_ms, s.degraded_ms, s.down_ms, s.unknown_ms,
         s.maintenance_ms, s.ok, s.fail, s.unk,
         s.hist, s.lc, s.ls, s.lmin, s.lmax, $3::timestamptz
    FROM sums s
  ON CONFLICT (monitor_id, bucket_start) DO UPDATE SET ${UPSERT_SET}
  RETURNING 1
)
SELECT (SELECT count(*) FROM ins)::int AS upserted, (SELECT count(*) FROM del)::int AS deleted`;
}

export async function rollDailyRollups(input: RollDailyInput): Promise<RollDailyResult> {
  const now = input.now ?? new Date();
  const sql = dailyRollupSql();
  const out: RollDailyResult = { statements: 0, upserted: 0, deleted: 0, rolled: null, coverage: null };
  const marks = await readWatermarks(getSystemPool());
  out.coverage = marks.daily;
  const hourly = marks.hourly;
  if (!hourly) return out;
  const from = Math.max(floorTo(input.from.getTime(), DAY_MS), ceilTo(hourly.from.getTime(), DAY_MS));
  const to = Math.min(ceilTo(input.to.getTime(), DAY_MS), floorTo(hourly.until.getTime(), DAY_MS));
  if (!(to > from)) return out;
  out.rolled = { from: new Date(from), to: new Date(to) };
  for (let t = from; t < to; t += DAY_MS) {
    const dayFrom = new Date(t);
    const dayTo = new Date(t + DAY_MS);
    const rolled = await inTransaction(getSystemPool(), async (db) => {
      // Under the rollup lock: a late flush may have pulled the hourly coverage back since the plan was
      // read (ADR 0010); a day is summed from hourly rows only while they cover it.
      const h = (await readWatermarks(db)).hourly;
      if (!h || h.from > dayFrom || h.until < dayTo) return false;
      const { rows } = await db.query<{ upserted: number; deleted: number }>(sql, [dayFrom, dayTo, now]);
      out.statements += 1;
      out.upserted += rows[0]?.upserted ?? 0;
      out.deleted += rows[0]?.deleted ?? 0;
      out.coverage = await extendWatermark(db, "daily", dayFrom, dayTo);
      return true;
    });
    if (!rolled) {
      out.rolled = t > from ? { from: new Date(from), to: dayFrom } : null;
      break;
    }
  }
  return out;
}
