import { randomUUID } from "node:crypto";
import { phaseOffsetMs, slotFor } from "@steward/jobs";
import { createSsrfGuard, LOOPBACK_CIDRS } from "@steward/probes";
import { generateHeartbeatToken, ingestProbeResults, recordHeartbeat } from "@steward/services";
import type { Job } from "bullmq";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ResultBatcher } from "../batcher.ts";
import { createLogger } from "../logger.ts";
import { MonitorCache } from "../monitor-cache.ts";
import { createProbeRunProcessor } from "./probe-run.ts";

// A HEARTBEAT monitor through the real processor, batcher and ingest on this file's database: the
// processor's clock is driven (deps.now) and each run names its slot, so no test waits for wall time.
// interval 10 s, grace 0, confirmations 2: silent past interval + grace → two failed slots → DOWN; a
// real beat (recordHeartbeat, the public endpoint's service) → the next slot is UP.
let admin: pg.Pool;
let batcher: ResultBatcher;
beforeAll(() => {
  admin = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 2 });
  batcher = new ResultBatcher({ flushMs: 10, maxRows: 100, ingest: (rows) => ingestProbeResults(rows) });
});
afterAll(async () => {
  await batcher?.close();
  await admin?.end();
});

describe("probe.run for HEARTBEAT monitors", () => {
  it("goes DOWN after interval + grace without beats and UP after a beat", async () => {
    const tenantId = (
      await admin.query<{ id: string }>(
        `INSERT INTO organizations (kind, name, slug) VALUES ('CLIENT', 'HB', $1) RETURNING id`,
        [`hb-${randomUUID().slice(0, 8)}`],
      )
    ).rows[0]!.id;
    const { token, hash } = generateHeartbeatToken();
    // Created 100 s ago (so every slot below lies in the past or the next few seconds).
    const created = Date.now() - 100_000;
    const monitorId = (
      await admin.query<{ id: string }>(
        `INSERT INTO monitors (tenant_id, name, kind, config, interval_seconds, confirmations, recovery_threshold,
                               heartbeat_token_hash, created_at)
         VALUES ($1, 'cron', 'HEARTBEAT', '{"graceSeconds":0}', 10, 2, 1, $2, $3) RETURNING id`,
        [tenantId, hash, new Date(created)],
      )
    ).rows[0]!.id;

    let now = 0;
    const process = createProbeRunProcessor({
      monitors: new MonitorCache(0),
      batcher,
      ssrf: createSsrfGuard({ allowCidrs: LOOPBACK_CIDRS }),
      signal: new AbortController().signal,
      log: createLogger("silent"),
      now: () => now,
    });
    const offset = phaseOffsetMs(monitorId, 10_000);
    /** One run at virtual time `at` (its slot is the grid slot containing `at`). */
    const runAt = (at: number) => {
      now = at;
      const scheduledAt = slotFor(at, 10_000, offset);
      return process({
        id: `adhoc-${randomUUID()}`,
        timestamp: at,
        opts: {},
        data: { monitorId, scheduledAt },
      } as unknown as Job);
    };
    const monitor = async () =>
      (
        await admin.query<{ state: string; last_error: string | null }>(
          "SELECT state, last_error FROM monitors WHERE id = $1",
          [monitorId],
        )
      ).rows[0]!;

    // Within interval + grace of creation (no beat yet): ok.
    await expect(runAt(created + 5_000)).resolves.toMatchObject({ state: "UP" });
    expect((await monitor()).state).toBe("UP");

    // Silent for 70 s and 80 s: two failures (confirmations 2) → DOWN, the error names the silence.
    await expect(runAt(created + 70_000)).resolves.toMatchObject({ state: "DOWN" });
    await expect(runAt(created + 80_000)).resolves.toMatchObject({ state: "DOWN" });
    expect(await monitor()).toMatchObject({ state: "DOWN", last_error: "no heartbeat yet (80 s)" });
    const incidents = await admin.query("SELECT 1 FROM incidents WHERE monitor_id = $1 AND status <> 'RESOLVED'", [
      monitorId,
    ]);
    expect(incidents.rowCount).toBe(1);

    // A beat arrives (the endpoint's service, DB clock): the next slot is UP again.
    await recordHeartbeat(token);
    await expect(runAt(Date.now() + 2_000)).resolves.toMatchObject({ state: "UP" });
    expect((await monitor()).state).toBe("UP");

    // And silent again past interval + grace after that beat: fails with the time since the beat.
    const last = (
      await admin.query<{ t: Date }>("SELECT last_heartbeat_at AS t FROM monitors WHERE id = $1", [monitorId])
    ).rows[0]!.t.getTime();
    await runAt(last + 25_000);
    expect((await monitor()).last_error).toBe("no heartbeat for 25 s");
  });
});
