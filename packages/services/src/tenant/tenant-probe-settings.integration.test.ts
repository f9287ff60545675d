import { randomUUID } from "node:crypto";
import { withSystem } from "@steward/db";
import { buildPlatformDenyList, createSsrfGuard, tenantGuards } from "@steward/probes";
import { beforeAll, describe, expect, it } from "vitest";
import type { ServiceContext } from "../context.ts";
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from "../errors.ts";
import { getTenantProbeAllowCidrs } from "../probe/get-tenant-probe-allowlist.ts";
import { auditRows, createWorld, tenantContext, type World } from "../testing/factories.ts";
import { approveProbeAllowEntry, rejectProbeAllowEntry } from "./decide-probe-allow-entry.ts";
import { getTenantProbeSettings } from "./get-tenant-probe-settings.ts";
import { removeProbeAllowEntry } from "./remove-probe-allow-entry.ts";
import { requestProbeAllowEntry } from "./request-probe-allow-entry.ts";

let w: World;

beforeAll(async () => {
  w = await createWorld();
});

const stored = (tenantId: string) =>
  withSystem(async (tx) => ({
    effective: (await tx.organization.findUniqueOrThrow({ where: { id: tenantId }, select: { probeAllowCidrs: true } }))
      .probeAllowCidrs,
    entries: await tx.probeAllowEntry.findMany({ where: { tenantId }, select: { target: true, status: true } }),
  }));

const clear = (tenantId: string) =>
  withSystem(async (tx) => {
    await tx.probeAllowEntry.deleteMany({ where: { tenantId } });
    await tx.organization.update({ where: { id: tenantId }, data: { probeAllowCidrs: [] } });
  });

/** The deployment guard of this test: nothing allowed, the platform deny list of the default environment. */
const deployment = async () => createSsrfGuard({ allowCidrs: [], deny: await buildPlatformDenyList({}) });

describe("probe allowlist approval: request → pending → approve → effective", () => {
  it("a client admin's private entry takes no effect until a provider admin approves it; every step is audited", async () => {
    const A = w.tenants.A.id;
    await clear(A);
    const admin = await tenantContext(w.personas.clientAdminA.user, A);
    const provider = await tenantContext(w.personas.providerAdmin.user, A);
    // What the worker builds for this tenant's probes and "test now": its stored effective entries.
    const guardFor = tenantGuards(await deployment());
    const guardOf = async (ctx: ServiceContext) => guardFor(await getTenantProbeAllowCidrs(ctx.tenant!.id));

    const entry = await requestProbeAllowEntry(admin, { target: " 10.20.30.0/24:5432 ", note: "ERP database" });
    expect(entry).toMatchObject({
      target: "10.20.30.0/24:5432",
      status: "PENDING",
      requestedBy: w.personas.clientAdminA.user.email,
      decidedBy: null,
      note: "ERP database",
    });
    expect(await stored(A)).toEqual({ effective: [], entries: [{ target: "10.20.30.0/24:5432", status: "PENDING" }] });
    // Pending: the guard (worker and test now) still refuses it.
    expect((await guardOf(admin)).check("10.20.30.40", 5432)).toMatch(/private/);

    const approved = await approveProbeAllowEntry(provider, { entryId: entry.id });
    expect(approved).toMatchObject({ status: "APPROVED", decidedBy: w.personas.providerAdmin.user.email });
    expect((await stored(A)).effective).toEqual(["10.20.30.0/24:5432"]);
    const guard = await guardOf(admin);
    expect(guard.check("10.20.30.40", 5432)).toBeNull();
    // Only its port: the rest of the range stays closed.
    expect(guard.check("10.20.30.40", 22)).toMatch(/private/);
    // Never a platform port, whatever is approved (the deny list is applied after every allowlist).
    expect(guard.check("127.0.0.1", 5432)).toMatch(/platform service/);

    const settings = await getTenantProbeSettings(admin);
    expect(settings).toMatchObject({ effective: ["10.20.30.0/24:5432"], canRequest: true, canApprove: false });
    expect(settings.entries).toEqual([expect.objectContaining({ id: entry.id, status: "APPROVED" })]);
    expect(await getTenantProbeSettings(provider)).toMatchObject({ canRequest: true, canApprove: true });

    // Removal (by the client admin: narrowing needs no approval) takes effect at once.
    await removeProbeAllowEntry(admin, { entryId: entry.id });
    expect(await stored(A)).toEqual({ effective: [], entries: [] });
    expect((await guardOf(admin)).check("10.20.30.40", 5432)).toMatch(/private/);

    const audit = async (action: string) =>
      (await auditRows({ tenantId: A, action })).filter((r) => r.targetId === entry.id);
    expect(await audit("probe_allow_entry.request")).toEqual([
      expect.objectContaining({
        actorId: w.personas.clientAdminA.user.id,
        targetType: "probe_allow_entry",
        metadata: expect.objectContaining({ target: "10.20.30.0/24:5432", status: "PENDING", public: false }),
      }),
    ]);
    expect(await audit("probe_allow_entry.approve")).toEqual([
      expect.objectContaining({
        actorId: w.personas.providerAdmin.user.id,
        metadata: expect.objectContaining({ target: "10.20.30.0/24:5432" }),
      }),
    ]);
    expect(await audit("probe_allow_entry.remove")).toEqual([
      expect.objectContaining({
        actorId: w.personas.clientAdminA.user.id,
        metadata: { target: "10.20.30.0/24:5432", status: "APPROVED" },
      }),
    ]);
  });

  it("a rejected entry never takes effect; asking again re-opens it as pending; a decided entry cannot be decided twice", async () => {
    const A = w.tenants.A.id;
    await clear(A);
    const admin = await tenantContext(w.personas.clientAdminA.user, A);
    const provider = await tenantContext(w.personas.providerAdmin.user, A);
    const entry = await requestProbeAllowEntry(admin, { target: "[fd12:3456:789a::/48]:443" });
    const rejected = await rejectProbeAllowEntry(provider, { entryId: entry.id, note: "use the VPN relay" });
    expect(rejected).toMatchObject({ status: "REJECTED", note: "use the VPN relay" });
    expect((await stored(A)).effective).toEqual([]);
    await expect(approveProbeAllowEntry(provider, { entryId: entry.id })).rejects.toBeInstanceOf(ConflictError);
    expect(
      (await auditRows({ tenantId: A, action: "probe_allow_entry.reject" })).filter((r) => r.targetId === entry.id),
    ).toHaveLength(1);

    const again = await requestProbeAllowEntry(admin, { target: "[FD12:3456:789A::/48]:443" });
    expect(again).toMatchObject({ id: entry.id, status: "PENDING", decidedBy: null });
    await expect(requestProbeAllowEntry(admin, { target: "[fd12:3456:789a::/48]:443" })).rejects.toBeInstanceOf(
      ConflictError,
    );
    await clear(A);
  });

  it("a public range is approved at once (it changes nothing); loopback, port-less private and metadata are refused", async () => {
    const A = w.tenants.A.id;
    await clear(A);
    const admin = await tenantContext(w.personas.clientAdminA.user, A);
    expect(await requestProbeAllowEntry(admin, { target: "8.8.8.0/24" })).toMatchObject({
      status: "APPROVED",
      decidedBy: w.personas.clientAdminA.user.email,
    });
    expect((await stored(A)).effective).toEqual(["8.8.8.0/24"]);
    for (const target of ["127.0.0.1:5432", "10.0.0.0/8", "169.254.169.254:80", "0.0.0.0:6379", "[::1]:3000"]) {
      await expect(requestProbeAllowEntry(admin, { target }), target).rejects.toBeInstanceOf(ValidationError);
    }
    await clear(A);
  });

  it("viewers, engineers and account managers cannot request; only provider admins approve or reject", async () => {
    const A = w.tenants.A.id;
    await clear(A);
    const entry = await requestProbeAllowEntry(await tenantContext(w.personas.clientAdminA.user, A), {
      target: "192.168.7.0/24:8080",
    });
    for (const [persona, tenantId] of [
      ["clientViewerA", A],
      ["engineerA", A],
      ["managerB", w.tenants.B.id],
    ] as const) {
      const ctx = await tenantContext(w.personas[persona].user, tenantId);
      await expect(requestProbeAllowEntry(ctx, { target: "10.1.0.0/16:443" }), persona).rejects.toBeInstanceOf(
        ForbiddenError,
      );
      await expect(removeProbeAllowEntry(ctx, { entryId: entry.id }), persona).rejects.toBeInstanceOf(ForbiddenError);
    }
    for (const persona of ["clientAdminA", "clientViewerA", "engineerA"] as const) {
      const ctx = await tenantContext(w.personas[persona].user, A);
      await expect(approveProbeAllowEntry(ctx, { entryId: entry.id }), persona).rejects.toBeInstanceOf(ForbiddenError);
      await expect(rejectProbeAllowEntry(ctx, { entryId: entry.id }), persona).rejects.toBeInstanceOf(ForbiddenError);
    }
    expect(await stored(A)).toEqual({ effective: [], entries: [{ target: "192.168.7.0/24:8080", status: "PENDING" }] });
    await clear(A);
  });

  it("a foreign tenant's entry is NotFound, also for the provider admin acting in another tenant", async () => {
    const A = w.tenants.A.id;
    const B = w.tenants.B.id;
    await clear(A);
    const entry = await requestProbeAllowEntry(await tenantContext(w.personas.clientAdminA.user, A), {
      target: "10.5.0.0/16:443",
    });
    const inB = await tenantContext(w.personas.providerAdmin.user, B);
    await expect(approveProbeAllowEntry(inB, { entryId: entry.id })).rejects.toBeInstanceOf(NotFoundError);
    await expect(rejectProbeAllowEntry(inB, { entryId: entry.id })).rejects.toBeInstanceOf(NotFoundError);
    await expect(removeProbeAllowEntry(inB, { entryId: entry.id })).rejects.toBeInstanceOf(NotFoundError);
    const adminB = await tenantContext(w.personas.clientAdminB.user, B);
    await expect(removeProbeAllowEntry(adminB, { entryId: entry.id })).rejects.toBeInstanceOf(NotFoundError);
    await expect(tenantContext(w.personas.clientAdminA.user, B)).rejects.toBeInstanceOf(NotFoundError);
    const ctx = await tenantContext(w.personas.clientAdminA.user, A);
    const ghost: ServiceContext = { ...ctx, tenant: { ...ctx.tenant!, id: randomUUID() } };
    await expect(getTenantProbeSettings(ghost)).rejects.toBeInstanceOf(NotFoundError);
    await expect(requestProbeAllowEntry(ghost, { target: "10.0.0.0/8:22" })).rejects.toBeInstanceOf(NotFoundError);
    expect((await stored(A)).entries).toEqual([{ target: "10.5.0.0/16:443", status: "PENDING" }]);
    await clear(A);
  });

  it("a provider staff read of the settings is audited; a client read is not", async () => {
    const before = (await auditRows({ tenantId: w.tenants.A.id, action: "tenant.read" })).length;
    await getTenantProbeSettings(await tenantContext(w.personas.engineerA.user, w.tenants.A.id));
    const rows = await auditRows({ tenantId: w.tenants.A.id, action: "tenant.read" });
    expect(rows.length).toBe(before + 1);
    expect(rows[0]).toMatchObject({ metadata: { what: "tenant.probe_settings" } });
    await getTenantProbeSettings(await tenantContext(w.personas.clientAdminA.user, w.tenants.A.id));
    expect((await auditRows({ tenantId: w.tenants.A.id, action: "tenant.read" })).length).toBe(before + 1);
  });
});

// "Test now" under the platform deny list runs on a probe worker: apps/worker/src/processors/monitor-test.integration.test.ts.
