import { getSystemPool } from "@steward/db";
import { type RollDailyResult, rollDailyRollups } from "./roll-daily-rollups.ts";
import { type RollHourlyResult, rollHourlyRollups } from "./roll-hourly-rollups.ts";
import { ceilTo, DAY_MS, floorTo, HOUR_MS, ROLLUP_SETTLE_MS } from "./rollup-plan.ts";
import { readWatermarks } from "./rollup-watermarks.ts";

export interface AdvanceRollupsInput {
  now?: Date;
  /** An hour is rolled once it ended this long ago (default 120 s; see rollHourlyRollups). */
  settleMs?: number;
  /** First run: roll back this far at most (default 35 days). */
  maxBackfillDays?: number;
  /** Catch-up per run, in hours (default 24); the next run (a minute later) continues. */
  maxHoursPerRun?: number;
  /** Daily catch-up per run, in days (default 3). */
  maxDaysPerRun?: number;
}

export interface AdvanceRollupsResult {
  hourly: RollHourlyResult & { from: Date; to: Date };
  daily: RollDailyResult | null;
}

/**
 * The rollup job (every 60 s). Rolls every hour that has settled (ended ≥ settleMs ago) and is not
 * covered yet — from the hourly watermark, or on the first run from the oldest state interval within
 * `maxBackfillDays` — then every UTC day the hourly coverage completes. Each hour is rolled once, right
 * after it settles: readers take the open current hour (and anything not covered) from raw rows, so
 * re-rolling partial hours every minute would cost a full scan of the hour's results for nothing
 * (≈ 11 s per 3.6 M rows, i.e. 10k monitors at 10 s). Idempotent; writers are serialised by an
 * advisory lock. A result ingested later than settleMs after its hour ended pulls the watermarks back
 * to its hour (ingestProbeResults, ADR 0010), so the next run rolls that hour again.
 */
export async function advanceRollups(input: AdvanceRollupsInput = {}): Promise<AdvanceRollupsResult> {
  const now = input.now ?? new Date();
  const settleMs = input.settleMs ?? ROLLUP_SETTLE_MS;
  const pool = getSystemPool();
  const settled = floorTo(now.getTime() - settleMs, HOUR_MS);
  const marks = await readWatermarks(pool);
  let start: number;
  if (marks.hourly) start = marks.hourly.until.getTime();
  else {
    const floor = settled - (input.maxBackfillDays ?? 35) * DAY_MS;
    const { rows } = await pool.query<{ first: Date | null }>("SELECT min(started_at) AS first FROM state_intervals");
    const first = rows[0]?.first ? floorTo(rows[0].first.getTime(), HOUR_MS) : settled;
    start = Math.max(floor, Math.min(first, settled - HOUR_MS));
  }
  const end = Math.min(settled, start + (input.maxHoursPerRun ?? 24) * HOUR_MS);
  const from = new Date(start);
  const to = new Date(Math.max(start, end));
  const hourly = await rollHourlyRollups({ from, to, now, settleMs });
  const h = hourly.coverage ?? marks.hourly;

  let daily: RollDailyResult | null = null;
  if (h) {
    const d = (await readWatermarks(pool)).daily;
    const dFrom = d && d.until >= h.from ? d.until : h.from;
    const dStart = ceilTo(dFrom.getTime(), DAY_MS);
    const dTo = new Date(Math.min(h.until.getTime(), dStart + (input.maxDaysPerRun ?? 3) * DAY_MS));
    daily = await rollDailyRollups({ from: dFrom, to: dTo, now });
  }
  return { hourly: { ...hourly, from, to }, daily };
}
