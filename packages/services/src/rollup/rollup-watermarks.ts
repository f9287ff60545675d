import type { SqlClient } from "../probe/sql.ts";
import type { Coverage } from "./rollup-plan.ts";

export type RollupLevel = "hourly" | "daily";

/** Serialises rollup writers (several workers may run the job; BullMQ runs one, this makes sure). */
export const ROLLUP_LOCK_SQL = "SELECT pg_advisory_xact_lock(hashtext('steward_rollups'))";

export async function readWatermarks(db: SqlClient): Promise<Record<RollupLevel, Coverage | null>> {
  const { rows } = await db.query<{ name: RollupLevel; covered_from: Date; covered_until: Date }>(
    "SELECT name, covered_from, covered_until FROM rollup_watermarks",
  );
  const out: Record<RollupLevel, Coverage | null> = { hourly: null, daily: null };
  for (const r of rows) out[r.name] = { from: r.covered_from, until: r.covered_until };
  return out;
}

/**
 * Extend `level`'s coverage with [from, until) when it touches the current coverage (or there is none).
 * A disjoint range leaves the watermark alone: coverage stays one contiguous range, so readers never
 * mistake a gap for "no data". Returns the coverage after the update.
 */
export async function extendWatermark(
  db: SqlClient,
  level: RollupLevel,
  from: Date,
  until: Date,
): Promise<Coverage | null> {
  if (!(until > from)) return (await readWatermarks(db))[level];
  const { rows } = await db.query<{ covered_from: Date; covered_until: Date }>(
    `INSERT INTO rollup_watermarks AS w (name, covered_from, covered_until, updated_at)
     VALUES ($1, $2::timestamptz, $3::timestamptz, now())
     ON CONFLICT (name) DO UPDATE
        SET covered_from = LEAST(w.covered_from, EXCLUDED.covered_from),
            covered_until = GREATEST(w.covered_until, EXCLUDED.covered_until),
            updated_at = now()
      WHERE EXCLUDED.covered_from <= w.covered_until AND EXCLUDED.covered_until >= w.covered_from
     RETURNING covered_from, covered_until`,
    [level, from, until],
  );
  const r = rows[0];
  if (r) return { from: r.covered_from, until: r.covered_until };
  return (await readWatermarks(db))[level];
}
