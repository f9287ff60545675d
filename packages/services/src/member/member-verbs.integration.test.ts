import { withSystem } from "@steward/db";
import { beforeAll, describe, expect, it } from "vitest";
import { validateSession } from "../auth/validate-session.ts";
import { ConflictError, ForbiddenError, NotFoundError } from "../errors.ts";
import {
  auditRows,
  createMembership,
  createOrganization,
  createSession,
  createUser,
  createWorld,
  liveSessionCount,
  tenantContext,
  type World,
} from "../testing/factories.ts";
import { listMembers } from "./list-members.ts";
import { removeMember } from "./remove-member.ts";
import { updateMemberRole } from "./update-member-role.ts";

let w: World;
beforeAll(async () => {
  w = await createWorld();
});

async function memberWithSessions(tenantId: string, role: "CLIENT_ADMIN" | "CLIENT_VIEWER" = "CLIENT_VIEWER") {
  const user = await createUser();
  const m = await createMembership({ userId: user.id, tenantId, role });
  const s1 = await createSession(user.id);
  const s2 = await createSession(user.id);
  return { user, membershipId: m.id, sessions: [s1.id, s2.id] };
}

describe("listMembers", () => {
  it("lists the tenant's memberships only", async () => {
    const ctx = await tenantContext(w.personas.clientAdminA.user, w.tenants.A.id);
    const list = await listMembers(ctx);
    const ids = list.map((m) => m.id);
    expect(ids).toContain(w.tenants.A.spareMembershipId);
    expect(ids).not.toContain(w.tenants.B.spareMembershipId);
    expect(list.find((m) => m.user.id === w.personas.clientAdminA.user.id)?.role).toBe("CLIENT_ADMIN");
    expect(Object.keys(list[0]!.user).sort()).toEqual(["disabledAt", "email", "id", "lastLoginAt", "name"]);
  });

  it("is Forbidden for a viewer and an engineer", async () => {
    await expect(
      listMembers(await tenantContext(w.personas.clientViewerA.user, w.tenants.A.id)),
    ).rejects.toBeInstanceOf(ForbiddenError);
    await expect(listMembers(await tenantContext(w.personas.engineerA.user, w.tenants.A.id))).rejects.toBeInstanceOf(
      ForbiddenError,
    );
  });
});

describe("updateMemberRole", () => {
  it("changes the role, revokes the member's sessions and audits", async () => {
    const t = await memberWithSessions(w.tenants.A.id);
    const ctx = await tenantContext(w.personas.clientAdminA.user, w.tenants.A.id);
    const r = await updateMemberRole(ctx, { membershipId: t.membershipId, role: "CLIENT_ADMIN" });
    expect(r.member.role).toBe("CLIENT_ADMIN");
    expect(r.revokedSessions).toBe(2);
    expect(await liveSessionCount(t.user.id)).toBe(0);
    expect(await validateSession(t.sessions[0])).toBeNull();
    // the actor's own session survives
    expect(await validateSession(w.personas.clientAdminA.user.sessionId)).not.toBeNull();
    const [audit] = await auditRows({ tenantId: w.tenants.A.id, action: "member.update_role" });
    expect(audit).toMatchObject({
      targetId: t.membershipId,
      actorId: w.personas.clientAdminA.user.id,
      metadata: { from: "CLIENT_VIEWER", to: "CLIENT_ADMIN", revokedSessions: 2 },
    });
  });

  it("a client admin cannot touch another tenant's member (NotFound), a viewer is Forbidden", async () => {
    const ctx = await tenantContext(w.personas.clientAdminA.user, w.tenants.A.id);
    await expect(
      updateMemberRole(ctx, { membershipId: w.tenants.B.spareMembershipId, role: "CLIENT_ADMIN" }),
    ).rejects.toBeInstanceOf(NotFoundError);
    const viewer = await tenantContext(w.personas.clientViewerA.user, w.tenants.A.id);
    await expect(
      updateMemberRole(viewer, { membershipId: w.tenants.A.spareMembershipId, role: "CLIENT_ADMIN" }),
    ).rejects.toBeInstanceOf(ForbiddenError);
    const b = await withSystem((tx) =>
      tx.membership.findUniqueOrThrow({ where: { id: w.tenants.B.spareMembershipId } }),
    );
    expect(b.role).toBe("CLIENT_VIEWER");
  });

  it("refuses provider roles in a client tenant (validation)", async () => {
    const ctx = await tenantContext(w.personas.providerAdmin.user, w.tenants.A.id);
    await expect(
      // @ts-expect-error: not a client role
      updateMemberRole(ctx, { membershipId: w.tenants.A.spareMembershipId, role: "PROVIDER_ADMIN" }),
    ).rejects.toThrow();
  });

  it("refuses to demote the last client admin (Conflict), even oneself", async () => {
    const org = await createOrganization({ kind: "CLIENT", parentId: w.providerId });
    const solo = { org, admin: await memberWithSessions(org.id, "CLIENT_ADMIN") };
    const adminUser = {
      id: solo.admin.user.id,
      email: solo.admin.user.email,
      name: solo.admin.user.name,
      sessionId: solo.admin.sessions[0]!,
    };
    const ctx = await tenantContext(adminUser, solo.org.id);
    await expect(
      updateMemberRole(ctx, { membershipId: solo.admin.membershipId, role: "CLIENT_VIEWER" }),
    ).rejects.toBeInstanceOf(ConflictError);
    await expect(removeMember(ctx, { membershipId: solo.admin.membershipId })).rejects.toBeInstanceOf(ConflictError);
    expect(await liveSessionCount(solo.admin.user.id)).toBe(2);
  });
});

describe("removeMember", () => {
  it("removes the membership, revokes sessions and audits; the provider admin may do it too", async () => {
    const t = await memberWithSessions(w.tenants.B.id);
    const ctx = await tenantContext(w.personas.providerAdmin.user, w.tenants.B.id);
    const r = await removeMember(ctx, { membershipId: t.membershipId });
    expect(r).toEqual({ removed: t.membershipId, revokedSessions: 2 });
    expect(await liveSessionCount(t.user.id)).toBe(0);
    expect(await withSystem((tx) => tx.membership.findUnique({ where: { id: t.membershipId } }))).toBeNull();
    const [audit] = await auditRows({ tenantId: w.tenants.B.id, action: "member.remove" });
    expect(audit).toMatchObject({ targetId: t.membershipId, actorId: w.personas.providerAdmin.user.id });
  });

  it("foreign → NotFound; engineer and account manager → Forbidden", async () => {
    const ctx = await tenantContext(w.personas.clientAdminB.user, w.tenants.B.id);
    await expect(removeMember(ctx, { membershipId: w.tenants.A.spareMembershipId })).rejects.toBeInstanceOf(
      NotFoundError,
    );
    const eng = await tenantContext(w.personas.engineerA.user, w.tenants.A.id);
    await expect(removeMember(eng, { membershipId: w.tenants.A.spareMembershipId })).rejects.toBeInstanceOf(
      ForbiddenError,
    );
    const am = await tenantContext(w.personas.managerB.user, w.tenants.B.id);
    await expect(removeMember(am, { membershipId: w.tenants.B.spareMembershipId })).rejects.toBeInstanceOf(
      ForbiddenError,
    );
  });
});
