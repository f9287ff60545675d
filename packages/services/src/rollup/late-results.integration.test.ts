import { computeUptime, secondsByState, UPTIME_STATES, type UptimeState } from "@steward/domain";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ingestProbeResults } from "../probe/ingest-probe-results.ts";
import type { ProbeResultRow } from "../probe/probe-result-row.ts";
import { createMonitor, createWorld, tenantContext, type World } from "../testing/factories.ts";
import { advanceRollups } from "./advance-rollups.ts";
import { getUptimeFromRollups } from "./get-uptime-from-rollups.ts";
import { readWatermarks } from "./rollup-watermarks.ts";

// Real Postgres (this file's own database). A flush that arrives after its hour was rolled (a worker that
// could not reach Postgres for a while) must not leave the rollups stale: ingest pulls the watermarks
// back, readers answer from raw rows at once, and the next rollup run rolls the hour again (ADR 0010).
const H = 3_600_000;
const DAY = 24 * H;

let admin: pg.Pool;
let w: World;
let monitorId: string;
let T0: number; // a whole UTC hour, three hours ago

const partName = (t: number) => `probe_results_p${new Date(t).toISOString().slice(0, 10).replaceAll("-", "")}`;

function row(minute: number, state: "UP" | "DOWN"): ProbeResultRow {
  const scheduledAt = new Date(T0 + minute * 60_000);
  return {
    monitorId,
    tenantId: w.tenants.A.id,
    scheduledAt,
    checkedAt: new Date(scheduledAt.getTime() + 50),
    state,
    latencyMs: state === "UP" ? 40 + minute : null,
    statusCode: state === "UP" ? 200 : 503,
    error: state === "UP" ? null : "unexpected status 503",
  };
}

async function spans() {
  const { rows } = await admin.query<{ state: UptimeState; started_at: Date; ended_at: Date | null }>(
    `SELECT state, started_at, ended_at FROM state_intervals WHERE monitor_id = $1 ORDER BY started_at`,
    [monitorId],
  );
  return rows.map((r) => ({ state: r.state, startedAt: r.started_at, endedAt: r.ended_at }));
}

async function hourRow(t: number) {
  const { rows } = await admin.query<{ up_ms: number; down_ms: number; probes_ok: number; probes_fail: number }>(
    `SELECT up_ms, down_ms, probes_ok, probes_fail FROM monitor_rollups_hourly WHERE monitor_id = $1 AND bucket_start = $2`,
    [monitorId, new Date(t)],
  );
  return rows[0];
}

/** Uptime as the services read it (rollups + raw edges) vs the exact recomputation from state_intervals. */
async function expectExactUptime(from: number, to: number) {
  const ctx = await tenantContext(w.personas.clientViewerA.user, w.tenants.A.id);
  const got = (
    await getUptimeFromRollups(ctx, { monitorIds: [monitorId], from: new Date(from), to: new Date(to) })
  ).get(monitorId)!;
  const exp = computeUptime(await spans(), { from, to }, new Date());
  for (const s of UPTIME_STATES) expect(got.seconds[s], s).toBeCloseTo(exp.seconds[s], 6);
  return got;
}

beforeAll(async () => {
  admin = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 2 });
  w = await createWorld();
  T0 = Math.floor(Date.now() / H) * H - 3 * H;
  const day = Math.floor(T0 / DAY) * DAY;
  await admin.query(
    `CREATE TABLE IF NOT EXISTS ${partName(day)} PARTITION OF probe_results
       FOR VALUES FROM ('${new Date(day).toISOString()}') TO ('${new Date(day + DAY).toISOString()}')`,
  );
  await admin.query("SELECT steward_ensure_probe_partitions()");
  monitorId = (await createMonitor(w.tenants.A.id, { name: "late-results" })).id;
  await admin.query(`UPDATE monitors SET confirmations = 1, recovery_threshold = 1 WHERE id = $1`, [monitorId]);
});

afterAll(async () => {
  await admin.end();
});

describe("late results and rollups (real Postgres)", () => {
  it("a late flush pulls the watermarks back; reads stay exact; the next run re-rolls the hour", async () => {
    await ingestProbeResults([row(1, "UP")]);
    const first = await advanceRollups({ maxBackfillDays: 1 });
    expect(first.hourly.coverage?.from).toEqual(new Date(T0));
    const settled = first.hourly.coverage!.until.getTime();
    expect(settled).toBeGreaterThanOrEqual(T0 + 2 * H);
    // Rolled while the monitor was UP from minute 1 on.
    expect(await hourRow(T0)).toMatchObject({ down_ms: 0, probes_ok: 1, probes_fail: 0 });

    // The held-back flush: DOWN at minute 30, UP again at minute 50 (both inside the rolled hour T0).
    const late = [row(30, "DOWN"), row(50, "UP")];
    const s = await ingestProbeResults(late);
    expect(s).toMatchObject({ inserted: 2, incidentsOpened: 1, incidentsResolved: 1 });
    const marks = await readWatermarks(admin);
    expect(marks.hourly).toEqual({ from: new Date(T0), until: new Date(T0) });
    if (marks.daily) {
      expect(marks.daily.until.getTime()).toBeLessThanOrEqual(
        Math.max(marks.daily.from.getTime(), Math.floor(T0 / DAY) * DAY),
      );
    }

    // Readers see the outage at once (20 minutes DOWN), from raw state intervals.
    const before = await expectExactUptime(T0, T0 + 2 * H);
    expect(before.seconds.DOWN).toBeCloseTo(20 * 60, 6);
    await expectExactUptime(T0 + 10 * 60_000 + 123, settled);

    // The next run rolls the hour again: the rollup row equals the brute force from state_intervals.
    const again = await advanceRollups({ maxBackfillDays: 1 });
    expect(again.hourly.coverage).toEqual({ from: new Date(T0), until: new Date(settled) });
    const exp = secondsByState(await spans(), { from: T0, to: T0 + H }, new Date());
    expect(await hourRow(T0)).toEqual({
      up_ms: Math.round(exp.UP * 1000),
      down_ms: Math.round(exp.DOWN * 1000),
      probes_ok: 2,
      probes_fail: 1,
    });
    expect((await hourRow(T0))!.down_ms).toBe(20 * 60_000);
    const after = await expectExactUptime(T0, T0 + 2 * H);
    expect(after.seconds).toEqual(before.seconds);

    // Replaying the same flush stores nothing and leaves the coverage alone; an on-time flush too.
    expect(await ingestProbeResults(late)).toMatchObject({ inserted: 0 });
    const now = Date.now();
    expect(
      await ingestProbeResults([
        {
          ...row(0, "UP"),
          scheduledAt: new Date(now - 5_000),
          checkedAt: new Date(now - 4_950),
        },
      ]),
    ).toMatchObject({ inserted: 1 });
    expect((await readWatermarks(admin)).hourly).toEqual({ from: new Date(T0), until: new Date(settled) });
  });

  it("a flush that becomes late while it runs is redone under the lock and retracts the coverage", async () => {
    const before = (await readWatermarks(admin)).hourly!;
    expect(before.until.getTime()).toBeGreaterThan(T0 + H);
    // The clock says "hour T0 not rolled yet" when the flush starts and "rolled long ago" before COMMIT.
    let calls = 0;
    const clock = () => (calls++ === 0 ? T0 + 40 * 60_000 + 100 : Date.now());
    const s = await ingestProbeResults([row(40, "UP")], { clock });
    expect(s).toMatchObject({ inserted: 1 });
    expect(calls).toBeGreaterThanOrEqual(3); // start, the check before COMMIT, the locked redo
    expect((await readWatermarks(admin)).hourly).toEqual({ from: before.from, until: new Date(T0) });
    const { rows } = await admin.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM probe_results WHERE monitor_id = $1 AND scheduled_at = $2`,
      [monitorId, new Date(T0 + 40 * 60_000)],
    );
    expect(rows[0]!.n).toBe(1);
  });
});
