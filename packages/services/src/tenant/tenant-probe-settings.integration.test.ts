import { randomUUID } from "node:crypto";
import { withSystem } from "@steward/db";
import { beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import type { ServiceContext } from "../context.ts";
import { ForbiddenError, NotFoundError } from "../errors.ts";
import { auditRows, createWorld, tenantContext, type World } from "../testing/factories.ts";
import { getTenantProbeSettings } from "./get-tenant-probe-settings.ts";
import { updateTenantProbeAllowlist } from "./update-tenant-probe-allowlist.ts";

let w: World;

beforeAll(async () => {
  w = await createWorld();
});

const storedCidrs = (tenantId: string) =>
  withSystem((tx) => tx.organization.findUniqueOrThrow({ where: { id: tenantId }, select: { probeAllowCidrs: true } }));

const setStored = (tenantId: string, cidrs: string[]) =>
  withSystem((tx) => tx.organization.update({ where: { id: tenantId }, data: { probeAllowCidrs: cidrs } }));

describe("getTenantProbeSettings", () => {
  it("every member may read the list; canEdit only for client admin and provider admin", async () => {
    await setStored(w.tenants.A.id, ["10.1.2.0/24"]);
    const expectations = [
      ["clientViewerA", false],
      ["clientAdminA", true],
      ["engineerA", false],
      ["providerAdmin", true],
    ] as const;
    for (const [persona, canEdit] of expectations) {
      const ctx = await tenantContext(w.personas[persona].user, w.tenants.A.id);
      expect({ persona, ...(await getTenantProbeSettings(ctx)) }).toEqual({
        persona,
        probeAllowCidrs: ["10.1.2.0/24"],
        canEdit,
      });
    }
    await setStored(w.tenants.A.id, []);
  });

  it("a provider staff read is audited; a client read is not", async () => {
    const before = (await auditRows({ tenantId: w.tenants.A.id, action: "tenant.read" })).length;
    await getTenantProbeSettings(await tenantContext(w.personas.engineerA.user, w.tenants.A.id));
    const rows = await auditRows({ tenantId: w.tenants.A.id, action: "tenant.read" });
    expect(rows.length).toBe(before + 1);
    expect(rows[0]).toMatchObject({
      actorId: w.personas.engineerA.user.id,
      metadata: { what: "tenant.probe_settings" },
    });
    await getTenantProbeSettings(await tenantContext(w.personas.clientAdminA.user, w.tenants.A.id));
    expect((await auditRows({ tenantId: w.tenants.A.id, action: "tenant.read" })).length).toBe(before + 1);
  });

  it("a foreign or unknown tenant is NotFound", async () => {
    await expect(tenantContext(w.personas.clientAdminA.user, w.tenants.B.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(tenantContext(w.personas.providerAdmin.user, w.tenants.X.id)).rejects.toBeInstanceOf(NotFoundError);
    const ctx = await tenantContext(w.personas.clientAdminA.user, w.tenants.A.id);
    const ghost: ServiceContext = { ...ctx, tenant: { ...ctx.tenant!, id: randomUUID() } };
    await expect(getTenantProbeSettings(ghost)).rejects.toBeInstanceOf(NotFoundError);
    await expect(updateTenantProbeAllowlist(ghost, { cidrs: ["10.0.0.0/8"] })).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe("updateTenantProbeAllowlist", () => {
  it("stores the normalised list and audits before/after in the same transaction", async () => {
    const ctx = await tenantContext(w.personas.clientAdminA.user, w.tenants.A.id);
    const r = await updateTenantProbeAllowlist(ctx, {
      cidrs: ["10.1.2.0/24", " 127.0.0.1 ", "FD12:3456:789A::/48", "10.1.2.0/24"],
    });
    const list = ["10.1.2.0/24", "127.0.0.1/32", "fd12:3456:789a::/48"];
    expect(r).toEqual({ probeAllowCidrs: list, canEdit: true });
    expect(await storedCidrs(w.tenants.A.id)).toEqual({ probeAllowCidrs: list });
    const [audit] = await auditRows({ tenantId: w.tenants.A.id, action: "tenant.update_probe_allowlist" });
    expect(audit).toMatchObject({
      actorId: w.personas.clientAdminA.user.id,
      targetType: "tenant",
      targetId: w.tenants.A.id,
      metadata: { before: [], after: list, added: list, removed: [] },
    });

    const admin = await tenantContext(w.personas.providerAdmin.user, w.tenants.A.id);
    await updateTenantProbeAllowlist(admin, { cidrs: ["10.1.2.0/24"] });
    const rows = await auditRows({ tenantId: w.tenants.A.id, action: "tenant.update_probe_allowlist" });
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({
      actorId: w.personas.providerAdmin.user.id,
      metadata: { before: list, after: ["10.1.2.0/24"], added: [], removed: ["127.0.0.1/32", "fd12:3456:789a::/48"] },
    });

    // Unchanged: nothing written.
    await updateTenantProbeAllowlist(ctx, { cidrs: ["10.1.2.0/24"] });
    expect(await auditRows({ tenantId: w.tenants.A.id, action: "tenant.update_probe_allowlist" })).toHaveLength(2);
    await updateTenantProbeAllowlist(ctx, { cidrs: [] });
    expect(await storedCidrs(w.tenants.A.id)).toEqual({ probeAllowCidrs: [] });
  });

  it("bad input is a ZodError naming each entry, and nothing changes", async () => {
    await setStored(w.tenants.B.id, ["192.168.0.0/16"]);
    const ctx = await tenantContext(w.personas.clientAdminB.user, w.tenants.B.id);
    const audits = (await auditRows({ tenantId: w.tenants.B.id })).length;
    const bad = [
      ["10.0.0.0/8", "not-an-ip"],
      ["169.254.169.254"],
      ["0.0.0.0/0"],
      ["::/0"],
      ["fd00::/8"],
      ["10.1.2.3/24"],
      Array.from({ length: 65 }, (_, i) => `10.0.${i}.0/24`),
    ];
    for (const cidrs of bad) {
      const err = await updateTenantProbeAllowlist(ctx, { cidrs }).catch((e: unknown) => e);
      expect(err, JSON.stringify(cidrs.slice(0, 2))).toBeInstanceOf(z.ZodError);
    }
    const err = (await updateTenantProbeAllowlist(ctx, { cidrs: ["10.0.0.0/8", "not-an-ip"] }).catch(
      (e: unknown) => e,
    )) as z.ZodError;
    expect(err.issues).toEqual([
      expect.objectContaining({ path: ["cidrs", 1], message: expect.stringContaining('"not-an-ip"') }),
    ]);
    await expect(updateTenantProbeAllowlist(ctx, { cidrs: "10.0.0.0/8" as never })).rejects.toBeInstanceOf(z.ZodError);
    expect(await storedCidrs(w.tenants.B.id)).toEqual({ probeAllowCidrs: ["192.168.0.0/16"] });
    expect((await auditRows({ tenantId: w.tenants.B.id })).length).toBe(audits);
    await setStored(w.tenants.B.id, []);
  });

  it("is Forbidden for viewers, engineers and account managers", async () => {
    const cases = [
      ["clientViewerA", w.tenants.A.id],
      ["engineerA", w.tenants.A.id],
      ["managerB", w.tenants.B.id],
    ] as const;
    for (const [persona, tenantId] of cases) {
      const ctx = await tenantContext(w.personas[persona].user, tenantId);
      await expect(updateTenantProbeAllowlist(ctx, { cidrs: ["10.0.0.0/8"] }), persona).rejects.toBeInstanceOf(
        ForbiddenError,
      );
    }
    expect(await storedCidrs(w.tenants.A.id)).toEqual({ probeAllowCidrs: [] });
  });
});

// "Test now" uses the deployment's allowlist ∪ the tenant's on the worker that runs it:
// apps/worker/src/processors/monitor-test.integration.test.ts.
