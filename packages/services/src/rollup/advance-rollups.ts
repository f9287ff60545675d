import { getSystemPool } from "@steward/db";
import { type RollDailyResult, rollDailyRollups } from "./roll-daily-rollups.ts";
import { type RollHourlyResult, rollHourlyRollups } from "./roll-hourly-rollups.ts";
import { DAY_MS, floorTo, HOUR_MS } from "./rollup-plan.ts";
import { readWatermarks } from "./rollup-watermarks.ts";

export interface AdvanceRollupsInput {
  now?: Date;
  settleMs?: number;
  /** First run: roll back this far at most (default 35 days). */
  maxBackfillDays?: number;
  /** Catch-up per run, in hours (default 7 days); the next run continues. */
  maxHoursPerRun?: number;
}

export interface AdvanceRollupsResult {
  hourly: RollHourlyResult & { from: Date; to: Date };
  daily: RollDailyResult | null;
}

/**
 * The rollup job (every 60 s): roll from the hourly watermark (or, first time, from the oldest state
 * interval within `maxBackfillDays`) — always including the previous and the current hour — then roll
 * every whole UTC day the hourly coverage now completes. Idempotent; safe to run concurrently (an
 * advisory lock serialises the writers).
 */
export async function advanceRollups(input: AdvanceRollupsInput = {}): Promise<AdvanceRollupsResult> {
  const now = input.now ?? new Date();
  const pool = getSystemPool();
  const current = floorTo(now.getTime(), HOUR_MS);
  const marks = await readWatermarks(pool);
  let start: number;
  if (marks.hourly) start = marks.hourly.until.getTime();
  else {
    const floor = current - (input.maxBackfillDays ?? 35) * DAY_MS;
    const { rows } = await pool.query<{ first: Date | null }>("SELECT min(started_at) AS first FROM state_intervals");
    const first = rows[0]?.first ? floorTo(rows[0].first.getTime(), HOUR_MS) : current;
    start = Math.max(floor, Math.min(first, current));
  }
  start = Math.min(start, current - HOUR_MS);
  const end = Math.min(current + HOUR_MS, start + (input.maxHoursPerRun ?? 7 * 24) * HOUR_MS);
  const from = new Date(start);
  const to = new Date(end);
  const hourly = await rollHourlyRollups({ from, to, now, settleMs: input.settleMs });

  let daily: RollDailyResult | null = null;
  const h = hourly.coverage;
  if (h) {
    const d = (await readWatermarks(pool)).daily;
    const dFrom = d && d.until >= h.from ? d.until : h.from;
    daily = await rollDailyRollups({ from: dFrom, to: h.until, now });
  }
  return { hourly: { ...hourly, from, to }, daily };
}
