import { randomUUID } from "node:crypto";
import net from "node:net";
import { buildPlatformDenyList, createSsrfGuard, type DenyRule, LOOPBACK_CIDRS } from "@steward/probes";
import type { ProbeResultRow, ProbeTarget } from "@steward/services";
import type { Job } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ResultBatcher } from "../batcher.ts";
import { createLogger } from "../logger.ts";
import { MonitorCache } from "../monitor-cache.ts";
import { createProbeRunProcessor } from "./probe-run.ts";

// The processor dispatches on monitor.kind through getProbe: a TCP monitor runs the TCP probe against a
// real listener; a HEARTBEAT monitor whose row cannot be read, or a config the kind's schema rejects, is
// UNKNOWN, never DOWN (HEARTBEAT itself: probe-run-heartbeat.integration.test.ts).
let server: net.Server;
let port: number;
beforeAll(async () => {
  server = net.createServer((s) => s.destroy());
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  port = (server.address() as net.AddressInfo).port;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

function harness(
  monitors: ProbeTarget[],
  deploymentCidrs: readonly string[] = LOOPBACK_CIDRS,
  deny: readonly DenyRule[] = [],
) {
  const rows: ProbeResultRow[] = [];
  const byId = new Map(monitors.map((m) => [m.id, m]));
  const process = createProbeRunProcessor({
    monitors: new MonitorCache(1000, async (id) => byId.get(id) ?? null),
    batcher: { add: async (row: ProbeResultRow) => void rows.push(row) } as unknown as ResultBatcher,
    ssrf: createSsrfGuard({ allowCidrs: deploymentCidrs, deny }),
    signal: new AbortController().signal,
    log: createLogger("silent"),
    heartbeats: async () => null, // no database in unit tests: the push monitor's row reads as gone
  });
  const run = (monitorId: string) =>
    process({ id: `adhoc-${randomUUID()}`, timestamp: Date.now(), opts: {}, data: { monitorId } } as unknown as Job);
  return { rows, run };
}

const monitor = (kind: string, config: unknown): ProbeTarget => ({
  id: randomUUID(),
  tenantId: randomUUID(),
  kind,
  config,
  intervalSeconds: 10,
  timeoutMs: 2000,
  degradedThresholdMs: null,
  paused: false,
  state: "UNKNOWN",
  tenantAllowCidrs: [],
});

describe("probe.run dispatches by kind", () => {
  it("TCP up and down; HEARTBEAT and invalid config are UNKNOWN", async () => {
    const up = monitor("TCP", { host: "127.0.0.1", port });
    const closed = await new Promise<number>((resolve) => {
      const s = net.createServer();
      s.listen(0, "127.0.0.1", () => {
        const p = (s.address() as net.AddressInfo).port;
        s.close(() => resolve(p));
      });
    });
    const down = monitor("TCP", { host: "127.0.0.1", port: closed });
    const push = monitor("HEARTBEAT", {});
    const invalid = monitor("DNS", { name: "x.test", recordType: "SRV" });
    const h = harness([up, down, push, invalid]);
    for (const m of [up, down, push, invalid]) await h.run(m.id);
    const stateOf = (id: string) => h.rows.find((r) => r.monitorId === id);
    expect(stateOf(up.id)).toMatchObject({ state: "UP", error: null });
    expect(stateOf(down.id)).toMatchObject({ state: "DOWN", error: "connection refused" });
    expect(stateOf(push.id)).toMatchObject({ state: "UNKNOWN", error: "monitor missing" });
    expect(stateOf(invalid.id)).toMatchObject({ state: "UNKNOWN", error: "invalid monitor configuration" });
  });
});

describe("probe.run uses the tenant's SSRF allowlist on top of the deployment's, and the platform deny list after both", () => {
  it("a tenant entry can never open loopback (the worker itself), even when stored behind the app's back", async () => {
    const tenantLoopback = {
      ...monitor("TCP", { host: "127.0.0.1", port }),
      tenantAllowCidrs: ["127.0.0.1/32", `127.0.0.1/32:${port}`],
    };
    const h = harness([tenantLoopback], []); // the deployment allows nothing private
    await h.run(tenantLoopback.id);
    const blocked = h.rows.find((r) => r.monitorId === tenantLoopback.id);
    expect(blocked?.state).not.toBe("UP");
    expect(blocked?.error).toMatch(/^blocked by SSRF policy: .*loopback/);
  });

  it("a platform port is refused although the deployment allows all of loopback and the tenant allows it too", async () => {
    // The listener plays the platform's database: DATABASE_URL names its port.
    const deny = await buildPlatformDenyList({ DATABASE_URL: `postgresql://steward@localhost:${port}/steward` });
    const target = {
      ...monitor("TCP", { host: "127.0.0.1", port }),
      tenantAllowCidrs: [`10.0.0.0/8:${port}`],
    };
    const viaName = { ...monitor("TCP", { host: "localhost", port }), tenantAllowCidrs: [] };
    const viaOtherLoopback = { ...monitor("TCP", { host: "127.0.0.2", port }), tenantAllowCidrs: [] };
    const viaMapped = { ...monitor("TCP", { host: "::ffff:127.0.0.1", port }), tenantAllowCidrs: [] };
    const all = [target, viaName, viaOtherLoopback, viaMapped];
    const h = harness(all, ["127.0.0.0/8:1-65535", "[::1/128]:1-65535"], deny);
    for (const m of all) await h.run(m.id);
    for (const m of all) {
      const row = h.rows.find((r) => r.monitorId === m.id);
      expect(row?.state, JSON.stringify(m.config)).toBe("DOWN");
      expect(row?.error, JSON.stringify(m.config)).toMatch(/^blocked by SSRF policy: .*platform service/);
    }
    // The same deployment reaches a loopback port that is not the platform's.
    const open = monitor("TCP", { host: "127.0.0.1", port });
    const h2 = harness([open], ["127.0.0.0/8:1-65535"], await buildPlatformDenyList({}));
    await h2.run(open.id);
    expect(h2.rows[0]).toMatchObject({ state: "UP", error: null });
  });
});

describe("probe.run: one execution per slot", () => {
  it("tells an HTTP target the slot and region; a re-delivered job whose slot is stored does not probe again", async () => {
    const seen: (string | undefined)[] = [];
    const http = await import("node:http");
    const target = http.createServer((req, res) => {
      const h = req.headers["steward-probe"];
      seen.push(Array.isArray(h) ? h.join(",") : h);
      res.end("ok");
    });
    await new Promise<void>((r) => target.listen(0, "127.0.0.1", r));
    try {
      const m = monitor("HTTP", { url: `http://127.0.0.1:${(target.address() as net.AddressInfo).port}/` });
      const rows: ProbeResultRow[] = [];
      const stored = new Set<number>();
      const asked: number[] = [];
      const process = createProbeRunProcessor({
        monitors: new MonitorCache(1000, async (id) => (id === m.id ? m : null)),
        batcher: {
          add: async (row: ProbeResultRow) => {
            rows.push(row);
            stored.add(row.scheduledAt.getTime());
          },
        } as unknown as ResultBatcher,
        ssrf: createSsrfGuard({ allowCidrs: LOOPBACK_CIDRS }),
        region: "eu",
        signal: new AbortController().signal,
        log: createLogger("silent"),
        storedSlots: async (_id, region, slots) => {
          asked.push(...slots);
          return new Set(region === "eu" ? slots.filter((s) => stored.has(s)) : []);
        },
      });
      const slot = Date.parse("2026-12-04T17:00:00.000Z");
      const job = (attemptsStarted: number, scheduledAt = slot) =>
        ({
          id: `catchup-${m.id}-${scheduledAt}`,
          timestamp: Date.now(),
          opts: {},
          attemptsStarted,
          stalledCounter: attemptsStarted - 1,
          data: { monitorId: m.id, scheduledAt },
        }) as unknown as Job;
      await process(job(1));
      const header = (i: number) => `slot=${rows[i]!.scheduledAt.toISOString()}; region=eu`; // on the monitor's grid
      expect(seen).toEqual([header(0)]);
      expect(asked).toEqual([]); // a first delivery never asks
      // Its worker died after the commit, before the acknowledgement: the re-run finds the result.
      expect(await process(job(2))).toEqual({ skipped: "already-stored" });
      expect(seen).toHaveLength(1);
      // Died before the commit (nothing stored for the next slot): probed again.
      await process(job(2, slot + 10_000));
      expect(rows).toHaveLength(2);
      expect(seen).toEqual([header(0), header(1)]);
      expect(rows[1]!.scheduledAt.getTime() - rows[0]!.scheduledAt.getTime()).toBe(10_000);
    } finally {
      await new Promise<void>((r) => target.close(() => r()));
    }
  });
});
