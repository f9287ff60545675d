import { type ChildProcess, spawn } from "node:child_process";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { createDemoEstate } from "@steward/demo-estate";
import { Redis } from "ioredis";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// Exactly one result per monitor, slot and region across kill -9 restarts, with several real worker
// processes (apps/worker/src/main.ts) in two regions on real Postgres and Redis (this file's database and
// prefix). Every ~1.5 s one worker is killed with SIGKILL (mid-probe, mid-flush, whatever it was doing)
// and a new one is started in its region; each region always keeps one live worker. Afterwards every slot
// of the chaos window must have exactly one stored result per monitor and region. (Checked that it can
// fail: with locks that never expire during the run, 26 of 576 slots are missing — the killed workers'
// in-flight probes.)

const ROOT = path.resolve(import.meta.dirname, "../../..");
const MONITORS = 12;
const REGIONS = ["eu", "us"] as const;
const KILLS = 8;

const estate = createDemoEstate();
let admin: pg.Pool;
let redis: Redis;
let base: string;
interface Proc {
  region: string;
  proc: ChildProcess;
  stderr: string[];
  /** The worker's own error and fatal log lines (pino level ≥ 50). */
  errors: string[];
  /** Resolves when the worker logged "worker started" (its queues and schedulers are up). */
  ready: Promise<void>;
}
const workers: Proc[] = [];

function startWorker(region: string) {
  const proc = spawn(process.execPath, ["--import", "tsx", "apps/worker/src/main.ts"], {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      ...process.env,
      NODE_ENV: "test",
      LOG_LEVEL: "info",
      PROBE_REGION: region,
      WORKER_HEALTH_PORT: "0",
      // Loopback targets on ephemeral ports: development mode, every port (the platform deny list still applies).
      STEWARD_DEV: "1",
      PROBE_ALLOWED_TARGETS: "127.0.0.0/8:1-65535",
      PROBE_CONCURRENCY: "20",
      PROBE_FLUSH_MS: "100",
    },
  });
  const stderr: string[] = [];
  const errors: string[] = [];
  proc.stderr?.on("data", (d: Buffer) => stderr.push(d.toString()));
  const ready = new Promise<void>((resolve, reject) => {
    let out = "";
    const onData = (d: Buffer) => {
      out += d.toString();
      // pino lines: keep errors (level ≥ 50) for the final check, watch for the start line.
      for (const line of out.split("\n").slice(0, -1)) if (/"level":(50|60)/.test(line)) errors.push(line);
      out = out.slice(out.lastIndexOf("\n") + 1);
      if (/"msg":"worker started"/.test(d.toString())) {
        proc.stdout?.off("data", onData);
        proc.stdout?.on("data", (more: Buffer) => {
          for (const line of more.toString().split("\n")) if (/"level":(50|60)/.test(line)) errors.push(line);
        });
        resolve();
      }
    };
    proc.stdout?.on("data", onData);
    proc.once("exit", () => reject(new Error(`worker (${region}) exited before it started: ${stderr.join("")}`)));
  });
  ready.catch(() => {});
  const w = { region, proc, stderr, errors, ready };
  workers.push(w);
  return w;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  await new Promise<void>((r) => estate.server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(estate.server.address() as AddressInfo).port}`;
  admin = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 2 });
  redis = new Redis(process.env.REDIS_URL || "redis://127.0.0.1:6379");
});

afterAll(async () => {
  const running = workers.filter((w) => w.proc.exitCode === null && w.proc.signalCode === null);
  await Promise.all(
    running.map((w) => {
      const exited = new Promise((r) => w.proc.once("exit", r));
      w.proc.kill("SIGKILL");
      return exited;
    }),
  );
  await admin?.end();
  redis?.disconnect();
  await new Promise((r) => estate.server.close(r));
});

describe("scheduling exactness under kill -9 (real worker processes, two regions)", () => {
  it("0 missing and 0 duplicate results per monitor, slot and region across 8 SIGKILL restarts", async () => {
    const {
      rows: [tenant],
    } = await admin.query<{ id: string }>(
      `INSERT INTO organizations (kind, name, slug) VALUES ('CLIENT', 'Chaos', 'chaos') RETURNING id`,
    );
    // Each probe takes 400 ms, so every worker always has probes in flight when it is killed.
    const control = await fetch(`${base}/control/chaos`, {
      method: "POST",
      body: JSON.stringify({ status: 200, latencyMs: 400 }),
    });
    expect(control.status).toBe(200);
    const { rows: monitors } = await admin.query<{ id: string }>(
      `INSERT INTO monitors (tenant_id, name, kind, config, interval_seconds, timeout_ms, regions, region_quorum)
       SELECT $1, 'chaos-' || g, 'HTTP', jsonb_build_object('url', $2::text || '/targets/chaos'), 1, 2000, $3, 1
         FROM generate_series(1, $4) g RETURNING id`,
      [tenant!.id, base, REGIONS, MONITORS],
    );
    expect(monitors).toHaveLength(MONITORS);
    for (const region of REGIONS) for (let i = 0; i < 2; i++) startWorker(region);
    await Promise.all(workers.map((w) => w.ready));

    // Every region's schedulers exist and results flow from both regions.
    const prefix = process.env.REDIS_PREFIX;
    const deadline = Date.now() + 60_000;
    for (;;) {
      const counts = await Promise.all(REGIONS.map((r) => redis.zcard(`${prefix}:probes-${r}:repeat`)));
      const { rows } = await admin.query<{ n: number }>(
        `SELECT count(DISTINCT region)::int AS n FROM probe_results WHERE scheduled_at > now() - interval '3 seconds'`,
      );
      if (counts.every((c) => c === MONITORS) && rows[0]!.n === REGIONS.length) break;
      if (Date.now() > deadline) throw new Error(`workers did not start: ${workers.flatMap((w) => w.stderr).join("")}`);
      await sleep(200);
    }

    // Kill one worker of a region at a time, and only once the region's other worker is up (a region with
    // no running worker at all is the watchdog's case — UNKNOWN — not this test's).
    const alive = (region: string) =>
      workers.filter((w) => w.region === region && w.proc.exitCode === null && w.proc.signalCode === null);
    const t0 = Date.now();
    for (let k = 0; k < KILLS; k++) {
      await sleep(1_500);
      const region = REGIONS[k % REGIONS.length]!;
      await Promise.all(alive(region).map((w) => w.ready));
      const live = alive(region);
      const victim = live[Math.floor(Math.random() * live.length)]!;
      victim.proc.kill("SIGKILL");
      await new Promise((r) => victim.proc.once("exit", r));
      startWorker(region);
    }
    const t1 = Date.now();
    await Promise.all(REGIONS.flatMap((r) => alive(r).map((w) => w.ready)));

    // Stalled jobs of killed workers are re-run by live ones within lock (10 s) + stalled check (5 s).
    const slotsPerMonitor = Math.floor((t1 - t0) / 1000);
    const expected = slotsPerMonitor * MONITORS * REGIONS.length;
    const count = async () =>
      (
        await admin.query<{ n: number; distinct_keys: number; max_per_key: number }>(
          `SELECT count(*)::int AS n,
                  count(DISTINCT (monitor_id, scheduled_at, region))::int AS distinct_keys,
                  coalesce(max(c), 0)::int AS max_per_key
             FROM (SELECT monitor_id, scheduled_at, region, count(*) OVER (PARTITION BY monitor_id, scheduled_at, region) AS c
                     FROM probe_results
                    WHERE scheduled_at >= $1 AND scheduled_at < $2) x`,
          [new Date(t0), new Date(t0 + slotsPerMonitor * 1000)],
        )
      ).rows[0]!;
    let got = await count();
    const settle = Date.now() + 45_000;
    while (got.n < expected && Date.now() < settle) {
      await sleep(500);
      got = await count();
    }
    const killed = workers.filter((w) => w.proc.signalCode === "SIGKILL").length;
    expect(killed).toBe(KILLS);
    expect({
      missing: expected - got.distinct_keys,
      duplicates: got.n - got.distinct_keys,
      maxPerKey: got.max_per_key,
    }).toEqual({
      missing: 0,
      duplicates: 0,
      maxPerKey: 1,
    });
    // The workers' own error output (a crash, a failed flush) fails the test too.
    expect(workers.flatMap((w) => w.errors)).toEqual([]);
  }, 180_000);
});
