import { withSystem } from "@steward/db";
import { getProbe, type PROBES } from "@steward/probes";
import { beforeAll, describe, expect, it } from "vitest";
import { openMonitorSecrets } from "../secrets/monitor-secrets.ts";
import { auditRows, createWorld, tenantContext, type World } from "../testing/factories.ts";
import { CreateMonitorInput, createMonitor } from "./create-monitor.ts";
import { getMonitor } from "./get-monitor.ts";
import { updateMonitor } from "./update-monitor.ts";

let w: World;
beforeAll(async () => {
  w = await createWorld();
});

/** A valid config for every probe kind (what the dashboard form would send). */
const CONFIGS: Record<keyof typeof PROBES, Record<string, unknown>> = {
  HTTP: { url: "https://status.example.com/health" },
  TCP: { host: "db.example.com", port: 5432 },
  DNS: { name: "example.com", recordType: "MX", expected: ["mx1.example.com"], resolver: { host: "1.1.1.1" } },
  TLS: { host: "example.com", expiryWarningDays: 21 },
  POSTGRES: { host: "db.example.com", database: "app", user: "monitor", password: "hunter2-secret", expected: "1" },
  REDIS: { host: "cache.example.com", password: "redis-secret" },
  MQTT: { host: "broker.example.com", username: "probe", password: "mqtt-secret" },
  PROMETHEUS: { url: "http://metrics.example.com:9100/metrics", metric: "node_load1", op: "lt", threshold: 4 },
  ICMP: { host: "192.0.2.10", count: 3 },
};

describe("createMonitor accepts every probe kind, validated by that kind's schema", () => {
  it("one monitor per kind: stored config is exactly what the worker's probe accepts", async () => {
    const ctx = await tenantContext(w.personas.engineerA.user, w.tenants.A.id);
    for (const [kind, config] of Object.entries(CONFIGS)) {
      const m = await createMonitor(ctx, { name: `${kind} monitor`, kind, config } as CreateMonitorInput);
      expect(m).toMatchObject({ kind });
      const row = await withSystem((tx) => tx.monitor.findUniqueOrThrow({ where: { id: m.id } }));
      expect(row.kind).toBe(kind);
      const parsed = getProbe(kind)?.configSchema.safeParse(row.config);
      expect(parsed?.success, kind).toBe(true);
    }
    const audits = await auditRows({ tenantId: w.tenants.A.id, action: "monitor.create" });
    expect(audits.length).toBeGreaterThanOrEqual(Object.keys(CONFIGS).length);
    // The audit trail names the target, never a secret.
    const text = JSON.stringify(audits.map((a) => a.metadata));
    for (const secret of ["hunter2-secret", "redis-secret", "mqtt-secret"]) expect(text).not.toContain(secret);
    expect(text).toContain("db.example.com:5432/app");
  });

  it("kind defaults to HTTP; a config of another kind, an unknown kind and bad bounds are rejected", async () => {
    expect(CreateMonitorInput.parse({ name: "x", config: { url: "http://x.test" } }).kind).toBe("HTTP");
    const bad = (input: Record<string, unknown>) => CreateMonitorInput.safeParse({ name: "x", ...input });
    expect(bad({ kind: "TCP", config: { url: "http://x.test" } }).success).toBe(false);
    expect(bad({ kind: "TCP", config: { host: "x.test", port: 70000 } }).error?.issues[0]?.path).toEqual([
      "config",
      "port",
    ]);
    expect(bad({ kind: "GOPHER", config: {} }).error?.issues[0]?.path).toEqual(["kind"]);
    expect(bad({ kind: "PROMETHEUS", config: { ...CONFIGS.PROMETHEUS, op: "~" } }).success).toBe(false);
    expect(bad({ kind: "DNS", config: { name: "x.test", recordType: "SRV" } }).success).toBe(false);
    expect(bad({ kind: "ICMP", config: { host: "x.test", count: 1, minReplies: 2 } }).success).toBe(false);
  });
});

describe("secrets in monitor configs are write-only", () => {
  it("monitor.get omits the password (says it is set); an edit without it keeps it; a new one replaces it", async () => {
    const ctx = await tenantContext(w.personas.engineerA.user, w.tenants.A.id);
    const m = await createMonitor(ctx, {
      name: "pg secret",
      kind: "POSTGRES",
      config: CONFIGS.POSTGRES,
    } as CreateMonitorInput);
    const got = await getMonitor(ctx, { monitorId: m.id });
    expect(got.monitor.config).not.toHaveProperty("password");
    expect(got.monitor.secretsSet).toEqual(["password"]);
    expect(JSON.stringify(got)).not.toContain("hunter2-secret");

    // Stored: the config without the password, the password sealed beside it (opened here as the worker would).
    const stored = async () => {
      const row = await withSystem((tx) => tx.monitor.findUniqueOrThrow({ where: { id: m.id } }));
      expect(row.config).not.toHaveProperty("password");
      expect(JSON.stringify(row)).not.toContain("hunter2-secret");
      return { ...(row.config as object), ...openMonitorSecrets(row.tenantId, row.id, row.secrets) };
    };
    await updateMonitor(ctx, { monitorId: m.id, config: { ...(got.monitor.config as object), database: "app2" } });
    expect(await stored()).toMatchObject({ database: "app2", password: "hunter2-secret" });
    await updateMonitor(ctx, { monitorId: m.id, config: { ...(got.monitor.config as object), password: "rotated" } });
    expect(await stored()).toMatchObject({ password: "rotated" });
  });
});
