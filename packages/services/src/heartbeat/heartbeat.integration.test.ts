import { withSystem } from "@steward/db";
import { beforeAll, describe, expect, it } from "vitest";
import { ForbiddenError, NotFoundError, ValidationError } from "../errors.ts";
import { createMonitor } from "../monitor/create-monitor.ts";
import { auditRows, createWorld, tenantContext, type World } from "../testing/factories.ts";
import { getHeartbeatStatus } from "./get-heartbeat-status.ts";
import { hashHeartbeatToken } from "./heartbeat-token.ts";
import { recordHeartbeat } from "./record-heartbeat.ts";
import { rotateHeartbeatToken } from "./rotate-heartbeat-token.ts";

let w: World;
beforeAll(async () => {
  w = await createWorld();
});

const row = (id: string) => withSystem((tx) => tx.monitor.findUniqueOrThrow({ where: { id } }));

describe("heartbeat (push) monitors", () => {
  it("create returns the token once and stores only its hash; a beat sets last_heartbeat_at", async () => {
    const ctx = await tenantContext(w.personas.engineerA.user, w.tenants.A.id);
    const m = await createMonitor(ctx, { name: "nightly backup", kind: "HEARTBEAT", intervalSeconds: 3600 });
    const token = m.heartbeatToken;
    expect(token).toMatch(/^[A-Za-z0-9_-]{32}$/);
    const stored = await row(m.id);
    expect(stored.kind).toBe("HEARTBEAT");
    expect(stored.heartbeatTokenHash).toBe(hashHeartbeatToken(token ?? ""));
    expect(stored.heartbeatTokenHash).not.toContain(token);
    expect(JSON.stringify(stored)).not.toContain(token);
    expect(stored.config).toEqual({});
    expect(stored.lastHeartbeatAt).toBeNull();
    expect((await auditRows({ tenantId: w.tenants.A.id, action: "monitor.create" }))[0]?.metadata).not.toHaveProperty(
      "heartbeatToken",
    );

    const before = Date.now();
    await expect(recordHeartbeat(token ?? "")).resolves.toEqual({ ok: true });
    const beat = (await getHeartbeatStatus(m.id))?.lastHeartbeatAt;
    expect(beat?.getTime()).toBeGreaterThanOrEqual(before - 1000);
    // A beat is machine traffic: no audit row, updated_at (the dashboard's change poll) untouched.
    expect((await row(m.id)).updatedAt).toEqual(stored.updatedAt);
  });

  it("unknown, malformed and non-heartbeat tokens are NotFound with one message", async () => {
    const errors = await Promise.all(
      ["A".repeat(32), "short", "../../etc/passwd", ""].map((t) => recordHeartbeat(t).catch((e: unknown) => e)),
    );
    for (const e of errors) {
      expect(e).toBeInstanceOf(NotFoundError);
      expect((e as Error).message).toBe("Not found");
    }
  });

  it("rotate returns a new token, invalidates the old one and audits without the token", async () => {
    const ctx = await tenantContext(w.personas.engineerA.user, w.tenants.A.id);
    const m = await createMonitor(ctx, {
      name: "cron",
      kind: "HEARTBEAT",
      intervalSeconds: 60,
      config: { graceSeconds: 5 },
    });
    const old = m.heartbeatToken ?? "";
    const r = await rotateHeartbeatToken(ctx, { monitorId: m.id });
    expect(r.monitorId).toBe(m.id);
    expect(r.heartbeatToken).not.toBe(old);
    await expect(recordHeartbeat(old)).rejects.toBeInstanceOf(NotFoundError);
    await expect(recordHeartbeat(r.heartbeatToken)).resolves.toEqual({ ok: true });
    expect((await row(m.id)).heartbeatTokenHash).toBe(hashHeartbeatToken(r.heartbeatToken));
    const audit = (await auditRows({ tenantId: w.tenants.A.id, action: "monitor.rotateHeartbeatToken" }))[0];
    expect(audit).toMatchObject({ targetId: m.id, actorId: w.personas.engineerA.user.id });
    expect(JSON.stringify(audit?.metadata ?? null)).not.toContain(r.heartbeatToken);
  });

  it("rotate: viewers are Forbidden, other tenants' monitors NotFound, non-push monitors invalid", async () => {
    const viewer = await tenantContext(w.personas.clientViewerA.user, w.tenants.A.id);
    await expect(rotateHeartbeatToken(viewer, { monitorId: w.tenants.A.monitorId })).rejects.toBeInstanceOf(
      ForbiddenError,
    );
    const engineer = await tenantContext(w.personas.engineerA.user, w.tenants.A.id);
    await expect(rotateHeartbeatToken(engineer, { monitorId: w.tenants.B.monitorId })).rejects.toBeInstanceOf(
      NotFoundError,
    );
    await expect(rotateHeartbeatToken(engineer, { monitorId: w.tenants.A.monitorId })).rejects.toBeInstanceOf(
      ValidationError,
    );
  });

  it("grace is validated (0–86400)", async () => {
    const ctx = await tenantContext(w.personas.engineerA.user, w.tenants.A.id);
    await expect(
      createMonitor(ctx, { name: "bad grace", kind: "HEARTBEAT", config: { graceSeconds: 90_000 } }),
    ).rejects.toThrow();
  });
});
