import type { AddressInfo } from "node:net";
import { createDemoEstate } from "@steward/demo-estate";
import { probeRun, probeSchedulerId } from "@steward/jobs";
import pg from "pg";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createWorkerApp, type WorkerApp } from "./app.ts";

// End to end on real services: Postgres (this file's database), Redis (this file's prefix), the demo
// estate on a free loopback port, and the worker's real pieces (scheduler reconciler, BullMQ workers,
// HTTP probe, batcher, ingest). Conditions are awaited by polling with a deadline, never by sleeping.

const estate = createDemoEstate();
let base: string;
let admin: pg.Pool;
let app: WorkerApp;
let tenantId: string;

async function until<T>(what: string, fn: () => Promise<T | null | undefined | false>, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function control(name: string, status: number) {
  const r = await fetch(`${base}/control/${name}`, { method: "POST", body: JSON.stringify({ status }) });
  expect(r.status).toBe(200);
}

async function createMonitor(name: string, path: string, paused = false) {
  const { rows } = await admin.query<{ id: string }>(
    `INSERT INTO monitors (tenant_id, name, kind, config, interval_seconds, timeout_ms, confirmations, recovery_threshold, paused)
     VALUES ($1, $2, 'HTTP', $3, 1, 1000, 2, 1, $4) RETURNING id`,
    [tenantId, name, JSON.stringify({ url: `${base}${path}` }), paused],
  );
  return rows[0]!.id;
}

const q = async <R extends pg.QueryResultRow>(sql: string, params: unknown[]) =>
  (await admin.query<R>(sql, params)).rows;

beforeAll(async () => {
  await new Promise<void>((r) => estate.server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(estate.server.address() as AddressInfo).port}`;
  admin = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 2 });
  tenantId = (
    await q<{ id: string }>(
      `INSERT INTO organizations (kind, name, slug) VALUES ('CLIENT', 'E2E', 'e2e') RETURNING id`,
      [],
    )
  )[0]!.id;
  app = createWorkerApp({
    log: pino({ level: "silent" }),
    concurrency: 10,
    flushMs: 50,
    flushRows: 100,
    // No periodic reconcile during the tests: schedules come from start(), app.reconcile() and the
    // LISTEN/NOTIFY path (the last test).
    reconcileMs: 600_000,
    allowCidrs: ["127.0.0.0/8"],
  });
});

afterAll(async () => {
  await app?.stop();
  await admin?.end();
  await new Promise((r) => estate.server.close(r));
});

describe("worker end to end", () => {
  it("a failing target goes DOWN after 2 failures with exactly one incident, recovers, and replays are no-ops", async () => {
    await control("x", 200);
    const m = await createMonitor("target x", "/targets/x");
    await app.start();
    expect(await app.ready()).toMatchObject({ ok: true });

    // Scheduled by the reconciler, probed, ingested: UP.
    await until(
      "monitor UP",
      async () => (await q(`SELECT 1 FROM monitors WHERE id = $1 AND state = 'UP'`, [m])).length,
    );

    await control("x", 503);
    const [incident] = await until("incident opened", async () => {
      const rows = await q<{ id: string; status: string }>(`SELECT id, status FROM incidents WHERE monitor_id = $1`, [
        m,
      ]);
      return rows.length ? rows : null;
    });
    expect(incident!.status).toBe("TRIGGERED");
    const [mon] = await q<{ state: string; consecutive_failures: number }>(
      `SELECT state, consecutive_failures FROM monitors WHERE id = $1`,
      [m],
    );
    expect(mon).toMatchObject({ state: "DOWN" });
    expect(mon!.consecutive_failures).toBeGreaterThanOrEqual(2);
    // The state change happened on the 2nd consecutive failure, not the first.
    const downs = await q<{ state: string }>(
      `SELECT state FROM probe_results WHERE monitor_id = $1 ORDER BY scheduled_at`,
      [m],
    );
    const firstDown = downs.findIndex((r) => r.state === "DOWN");
    const [downInterval] = await q<{ started_at: Date }>(
      `SELECT started_at FROM state_intervals WHERE monitor_id = $1 AND state = 'DOWN'`,
      [m],
    );
    const [secondFailure] = await q<{ checked_at: Date }>(
      `SELECT checked_at FROM probe_results WHERE monitor_id = $1 AND state = 'DOWN' ORDER BY scheduled_at OFFSET 1 LIMIT 1`,
      [m],
    );
    expect(firstDown).toBeGreaterThan(0);
    expect(downInterval!.started_at.getTime()).toBe(secondFailure!.checked_at.getTime());

    // Keep failing for a few more probes: still exactly one incident.
    const failuresNow = mon!.consecutive_failures;
    await until(
      "more failures",
      async () =>
        (await q(`SELECT 1 FROM monitors WHERE id = $1 AND consecutive_failures >= $2`, [m, failuresNow + 2])).length,
    );
    expect(await q(`SELECT id FROM incidents WHERE monitor_id = $1`, [m])).toHaveLength(1);

    await control("x", 200);
    await until(
      "incident resolved",
      async () => (await q(`SELECT 1 FROM incidents WHERE id = $1 AND status = 'RESOLVED'`, [incident!.id])).length,
    );
    await until(
      "monitor UP again",
      async () => (await q(`SELECT 1 FROM monitors WHERE id = $1 AND state = 'UP'`, [m])).length,
    );
    expect(
      (
        await q<{ kind: string }>(`SELECT kind FROM incident_events WHERE incident_id = $1 ORDER BY created_at`, [
          incident!.id,
        ])
      ).map((e) => e.kind),
    ).toEqual(["OPENED", "RESOLVED"]);

    // Re-process a slot that is already stored: nothing is inserted, nothing changes.
    const [stored] = await q<{ scheduled_at: Date }>(
      `SELECT scheduled_at FROM probe_results WHERE monitor_id = $1 AND state = 'DOWN' ORDER BY scheduled_at LIMIT 1`,
      [m],
    );
    const before = await q<{ n: string }>(`SELECT count(*) AS n FROM probe_results WHERE monitor_id = $1`, [m]);
    const intervalsBefore = await q(
      `SELECT id, state, started_at, ended_at FROM state_intervals WHERE monitor_id = $1 ORDER BY started_at`,
      [m],
    );
    // probe.run jobs are deleted on completion; this one is kept so its return value can be read.
    const job = await app.queues.probes.add(
      probeRun.name,
      probeRun.payload.parse({ monitorId: m, scheduledAt: stored!.scheduled_at.getTime() }),
      { ...probeRun.options, jobId: `replay-${m}`, removeOnComplete: false },
    );
    const done = await until("replayed job completed", async () =>
      (await job.getState()) === "completed" ? job.id : null,
    );
    const finished = await app.queues.probes.getJob(done!);
    expect(finished?.returnvalue).toMatchObject({ scheduledAt: stored!.scheduled_at.getTime(), state: "UP" });
    const [row] = await q<{ state: string }>(
      `SELECT state FROM probe_results WHERE monitor_id = $1 AND scheduled_at = $2`,
      [m, stored!.scheduled_at],
    );
    expect(row!.state).toBe("DOWN"); // the original result stands
    const after = await q<{ n: string }>(
      `SELECT count(*) AS n FROM probe_results WHERE monitor_id = $1 AND scheduled_at <= $2`,
      [m, stored!.scheduled_at],
    );
    expect(Number(after[0]!.n)).toBeLessThanOrEqual(Number(before[0]!.n));
    expect(await q(`SELECT id FROM incidents WHERE monitor_id = $1`, [m])).toHaveLength(1);
    const intervalsAfter = await q(
      `SELECT id, state, started_at, ended_at FROM state_intervals WHERE monitor_id = $1 AND started_at <= $2 ORDER BY started_at`,
      [m, intervalsBefore.at(-1)!.started_at],
    );
    expect(intervalsAfter.map((i) => i.id)).toEqual(intervalsBefore.map((i) => i.id));
  });

  it("every probe lands on its monitor's slot grid, one result per slot", async () => {
    const m = await createMonitor("healthy", "/healthy");
    await app.reconcile();
    const rows = await until("three results", async () => {
      const r = await q<{ scheduled_at: Date }>(`SELECT scheduled_at FROM probe_results WHERE monitor_id = $1`, [m]);
      return r.length >= 3 ? r : null;
    });
    const { phaseOffsetMs } = await import("@steward/jobs");
    const off = phaseOffsetMs(m, 1000);
    for (const r of rows) expect((r.scheduled_at.getTime() - off) % 1000).toBe(0);
  });

  it("the reconciler removes the schedulers of paused and deleted monitors", async () => {
    const m = await createMonitor("soon paused", "/healthy");
    await app.reconcile();
    expect(await app.queues.probes.getJobScheduler(probeSchedulerId(m))).toBeDefined();
    await admin.query(`UPDATE monitors SET paused = true WHERE id = $1`, [m]);
    await app.reconcile();
    expect(await app.queues.probes.getJobScheduler(probeSchedulerId(m))).toBeUndefined();
  });

  it("edits reach the worker at once through LISTEN/NOTIFY: created, re-targeted, re-timed and paused monitors", async () => {
    const scheduler = (id: string) => app.queues.probes.getJobScheduler(probeSchedulerId(id));
    const m = await createMonitor("notified", "/healthy");
    await until("scheduler created by the notification", async () => await scheduler(m), 5_000);
    await until(
      "monitor UP",
      async () => (await q(`SELECT 1 FROM monitors WHERE id = $1 AND state = 'UP'`, [m])).length,
    );

    // Re-target at a failing endpoint: every slot after the edit is probed with the new config.
    await control("edited", 503);
    await admin.query(`UPDATE monitors SET config = $2 WHERE id = $1`, [
      m,
      JSON.stringify({ url: `${base}/targets/edited` }),
    ]);
    const editedAt = Date.now();
    const after = await until("three results after the edit", async () => {
      const rows = await q<{ state: string }>(
        `SELECT state FROM probe_results WHERE monitor_id = $1 AND scheduled_at > $2 ORDER BY scheduled_at`,
        [m, new Date(editedAt + 500)],
      );
      return rows.length >= 3 ? rows : null;
    });
    expect(after.map((r) => r.state)).toEqual(after.map(() => "DOWN"));

    await admin.query(`UPDATE monitors SET interval_seconds = 2 WHERE id = $1`, [m]);
    await until("scheduler re-timed", async () => (await scheduler(m))?.every === 2_000, 5_000);

    await admin.query(`UPDATE monitors SET paused = true WHERE id = $1`, [m]);
    await until("scheduler removed", async () => !(await scheduler(m)), 5_000);
  });
});
