import { withSystem } from "@steward/db";
import { beforeAll, describe, expect, it } from "vitest";
import { ConflictError, ForbiddenError, NotFoundError } from "../errors.ts";
import { auditRows, createIncident, createWorld, tenantContext, type World } from "../testing/factories.ts";
import { acknowledgeIncident } from "./acknowledge-incident.ts";
import { addIncidentNote } from "./add-incident-note.ts";
import { getIncident } from "./get-incident.ts";
import { listIncidents } from "./list-incidents.ts";
import { resolveIncident } from "./resolve-incident.ts";

let w: World;
beforeAll(async () => {
  w = await createWorld();
});

const events = (incidentId: string) =>
  withSystem((tx) => tx.incidentEvent.findMany({ where: { incidentId }, orderBy: { createdAt: "asc" } }));

describe("acknowledgeIncident", () => {
  it("acknowledges, records the timeline with the actor label and audits", async () => {
    const { A } = w.tenants;
    const incident = await createIncident(A.id);
    const ctx = await tenantContext(w.personas.engineerA.user, A.id);
    const r = await acknowledgeIncident(ctx, { incidentId: incident.id });
    expect(r).toMatchObject({ id: incident.id, status: "ACKNOWLEDGED" });
    expect(r.acknowledgedAt).toBeInstanceOf(Date);
    const ev = await events(incident.id);
    expect(ev.at(-1)).toMatchObject({
      kind: "ACKNOWLEDGED",
      actorType: "USER",
      actorLabel: w.personas.engineerA.email,
    });
    const [audit] = await auditRows({ tenantId: A.id, action: "incident.acknowledge" });
    expect(audit).toMatchObject({
      targetId: incident.id,
      actorId: w.personas.engineerA.user.id,
      requestId: ctx.requestId,
      metadata: { from: "TRIGGERED", to: "ACKNOWLEDGED" },
    });
    const stored = await withSystem((tx) => tx.incident.findUniqueOrThrow({ where: { id: incident.id } }));
    expect(stored.acknowledgedById).toBe(w.personas.engineerA.user.id);
    // twice → Conflict, nothing written
    await expect(acknowledgeIncident(ctx, { incidentId: incident.id })).rejects.toBeInstanceOf(ConflictError);
    expect((await events(incident.id)).length).toBe(ev.length);
  });

  it("answers NotFound for a foreign or random incident id", async () => {
    const ctx = await tenantContext(w.personas.engineerA.user, w.tenants.A.id);
    await expect(acknowledgeIncident(ctx, { incidentId: w.tenants.B.incidentId })).rejects.toBeInstanceOf(
      NotFoundError,
    );
    await expect(
      acknowledgeIncident(ctx, { incidentId: "00000000-0000-4000-8000-000000000000" }),
    ).rejects.toBeInstanceOf(NotFoundError);
    const b = await withSystem((tx) => tx.incident.findUniqueOrThrow({ where: { id: w.tenants.B.incidentId } }));
    expect(b.status).toBe("TRIGGERED");
  });

  it("is Forbidden without incident:write (client viewer, client admin, account manager)", async () => {
    const { A, B } = w.tenants;
    for (const [persona, tenant] of [
      [w.personas.clientViewerA, A],
      [w.personas.clientAdminA, A],
      [w.personas.managerB, B],
    ] as const) {
      const ctx = await tenantContext(persona.user, tenant.id);
      await expect(acknowledgeIncident(ctx, { incidentId: tenant.incidentId })).rejects.toBeInstanceOf(ForbiddenError);
    }
  });

  it("an unreachable tenant cannot even get a context (NotFound)", async () => {
    await expect(tenantContext(w.personas.engineerA.user, w.tenants.B.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(tenantContext(w.personas.unscopedEngineer.user, w.tenants.A.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(tenantContext(w.personas.clientAdminA.user, w.tenants.B.id)).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe("resolveIncident", () => {
  it("resolves from triggered or acknowledged, then refuses", async () => {
    const { A } = w.tenants;
    const ctx = await tenantContext(w.personas.providerAdmin.user, A.id);
    const i1 = await createIncident(A.id);
    const r1 = await resolveIncident(ctx, { incidentId: i1.id, reason: "fixed upstream" });
    expect(r1).toMatchObject({ status: "RESOLVED", acknowledgedAt: null });
    expect((await events(i1.id)).at(-1)).toMatchObject({ kind: "RESOLVED", message: "fixed upstream" });
    await expect(resolveIncident(ctx, { incidentId: i1.id })).rejects.toBeInstanceOf(ConflictError);
    await expect(acknowledgeIncident(ctx, { incidentId: i1.id })).rejects.toBeInstanceOf(ConflictError);

    const i2 = await createIncident(A.id, { status: "ACKNOWLEDGED" });
    expect(await resolveIncident(ctx, { incidentId: i2.id })).toMatchObject({ status: "RESOLVED" });
    const audits = await auditRows({ tenantId: A.id, action: "incident.resolve" });
    expect(audits.map((a) => a.targetId)).toEqual(expect.arrayContaining([i1.id, i2.id]));
  });

  it("foreign → NotFound, viewer → Forbidden", async () => {
    const ctxA = await tenantContext(w.personas.providerAdmin.user, w.tenants.A.id);
    await expect(resolveIncident(ctxA, { incidentId: w.tenants.B.incidentId })).rejects.toBeInstanceOf(NotFoundError);
    const viewer = await tenantContext(w.personas.clientViewerA.user, w.tenants.A.id);
    await expect(resolveIncident(viewer, { incidentId: w.tenants.A.incidentId })).rejects.toBeInstanceOf(
      ForbiddenError,
    );
  });
});

describe("addIncidentNote", () => {
  it("adds a NOTE event in any status and audits", async () => {
    const { A } = w.tenants;
    const ctx = await tenantContext(w.personas.engineerA.user, A.id);
    const i = await createIncident(A.id, { status: "RESOLVED" });
    const r = await addIncidentNote(ctx, { incidentId: i.id, body: "  Postmortem: cert expired  " });
    expect(r.status).toBe("RESOLVED");
    expect((await events(i.id)).at(-1)).toMatchObject({ kind: "NOTE", message: "Postmortem: cert expired" });
    expect((await auditRows({ tenantId: A.id, action: "incident.add_note" }))[0]).toMatchObject({ targetId: i.id });
    await expect(addIncidentNote(ctx, { incidentId: i.id, body: "   " })).rejects.toThrow();
  });

  it("foreign → NotFound, viewer → Forbidden", async () => {
    const ctx = await tenantContext(w.personas.engineerA.user, w.tenants.A.id);
    await expect(addIncidentNote(ctx, { incidentId: w.tenants.B.incidentId, body: "x" })).rejects.toBeInstanceOf(
      NotFoundError,
    );
    const viewer = await tenantContext(w.personas.clientViewerA.user, w.tenants.A.id);
    await expect(addIncidentNote(viewer, { incidentId: w.tenants.A.incidentId, body: "x" })).rejects.toBeInstanceOf(
      ForbiddenError,
    );
  });
});

describe("listIncidents / getIncident", () => {
  it("lists only the tenant's incidents and audits staff reads as tenant.read", async () => {
    const ctx = await tenantContext(w.personas.engineerA.user, w.tenants.A.id);
    const list = await listIncidents(ctx, { status: "OPEN" });
    expect(list.length).toBeGreaterThan(0);
    const ids = new Set(list.map((i) => i.id));
    expect(ids.has(w.tenants.B.incidentId)).toBe(false);
    const detail = await getIncident(ctx, { incidentId: w.tenants.A.incidentId });
    expect(detail.events[0]).toMatchObject({ kind: "OPENED" });
    expect(detail.allowedActions).toContain("resolve");
    await expect(getIncident(ctx, { incidentId: w.tenants.B.incidentId })).rejects.toBeInstanceOf(NotFoundError);
    const reads = await auditRows({
      tenantId: w.tenants.A.id,
      action: "tenant.read",
      actorId: w.personas.engineerA.user.id,
    });
    expect(reads.map((r) => (r.metadata as { what: string }).what)).toEqual(
      expect.arrayContaining(["incident.list", "incident.get"]),
    );
  });

  it("client users' reads are not audited as cross-tenant; viewers see no actions", async () => {
    const ctx = await tenantContext(w.personas.clientViewerA.user, w.tenants.A.id);
    const detail = await getIncident(ctx, { incidentId: w.tenants.A.incidentId });
    expect(detail.allowedActions).toEqual([]);
    expect(await auditRows({ action: "tenant.read", actorId: w.personas.clientViewerA.user.id })).toEqual([]);
  });
});
