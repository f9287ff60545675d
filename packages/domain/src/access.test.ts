import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type AccessClient, type AccessMembership, computeAccess } from "./access.ts";
import { Role } from "./roles.ts";

const P = "00000000-0000-4000-8000-000000000001";
const P2 = "00000000-0000-4000-8000-000000000002";
const A = "00000000-0000-4000-8000-00000000000a";
const B = "00000000-0000-4000-8000-00000000000b";
const C = "00000000-0000-4000-8000-00000000000c";
const X = "00000000-0000-4000-8000-0000000000ff"; // client of another provider
const clients: AccessClient[] = [
  { id: A, providerId: P },
  { id: B, providerId: P },
  { id: C, providerId: P },
  { id: X, providerId: P2 },
];
const ids = (r: ReturnType<typeof computeAccess>) => r.tenants.map((t) => t.tenantId);

describe("computeAccess", () => {
  it("provider admin reaches every client of their provider, and only those", () => {
    const r = computeAccess(
      [{ tenantId: P, tenantKind: "PROVIDER", role: "PROVIDER_ADMIN", scopeTenantIds: [] }],
      clients,
    );
    expect(ids(r)).toEqual([A, B, C]);
    expect(r.isProviderStaff).toBe(true);
    expect(r.tenants[0]!.viaProvider).toBe(true);
    expect(r.tenants[0]!.permissions.has("member:write")).toBe(true);
  });

  it("engineer reaches scope ∩ own clients; foreign ids in scope are ignored", () => {
    const r = computeAccess(
      [{ tenantId: P, tenantKind: "PROVIDER", role: "ENGINEER", scopeTenantIds: [A, X] }],
      clients,
    );
    expect(ids(r)).toEqual([A]);
    expect(r.tenants[0]!.role).toBe("ENGINEER");
    expect(r.tenants[0]!.permissions.has("incident:write")).toBe(true);
    expect(r.tenants[0]!.permissions.has("member:write")).toBe(false);
  });

  it("an empty scope reaches nothing (never everything)", () => {
    for (const role of ["ENGINEER", "ACCOUNT_MANAGER"] as const) {
      const r = computeAccess([{ tenantId: P, tenantKind: "PROVIDER", role, scopeTenantIds: [] }], clients);
      expect(r.tenants).toEqual([]);
      expect(r.isProviderStaff).toBe(true);
    }
  });

  it("client roles reach their own tenant only, whatever their scope says", () => {
    const r = computeAccess(
      [{ tenantId: A, tenantKind: "CLIENT", role: "CLIENT_VIEWER", scopeTenantIds: [B, C] }],
      clients,
    );
    expect(ids(r)).toEqual([A]);
    expect(r.isProviderStaff).toBe(false);
    expect(r.tenants[0]!.viaProvider).toBe(false);
    expect(r.tenants[0]!.permissions.has("incident:write")).toBe(false);
  });

  it("inconsistent memberships grant nothing", () => {
    const r = computeAccess(
      [
        { tenantId: P, tenantKind: "PROVIDER", role: "CLIENT_ADMIN", scopeTenantIds: [A] },
        { tenantId: A, tenantKind: "CLIENT", role: "PROVIDER_ADMIN", scopeTenantIds: [] },
      ],
      clients,
    );
    expect(r.tenants).toEqual([]);
  });

  it("several memberships to one tenant: union of permissions, highest role as label", () => {
    const r = computeAccess(
      [
        { tenantId: A, tenantKind: "CLIENT", role: "CLIENT_ADMIN", scopeTenantIds: [] },
        { tenantId: P, tenantKind: "PROVIDER", role: "ENGINEER", scopeTenantIds: [A] },
      ],
      clients,
    );
    expect(r.tenants).toHaveLength(1);
    expect(r.tenants[0]!.role).toBe("ENGINEER");
    expect(r.tenants[0]!.permissions.has("member:write")).toBe(true);
    expect(r.tenants[0]!.permissions.has("incident:write")).toBe(true);
  });
});

const tenantArb = fc.constantFrom(P, P2, A, B, C, X);
const membershipArb: fc.Arbitrary<AccessMembership> = fc.record({
  tenantId: tenantArb,
  tenantKind: fc.constantFrom("PROVIDER" as const, "CLIENT" as const),
  role: fc.constantFrom(...Role.options),
  scopeTenantIds: fc.uniqueArray(tenantArb, { maxLength: 4 }),
});

describe("access properties", () => {
  it("memberships with an empty scope (staff) never reach anything", () => {
    fc.assert(
      fc.property(fc.array(membershipArb, { maxLength: 5 }), (ms) => {
        const staff = ms
          .filter((m) => m.role === "ENGINEER" || m.role === "ACCOUNT_MANAGER")
          .map((m) => ({ ...m, scopeTenantIds: [] }));
        expect(computeAccess(staff, clients).tenants).toEqual([]);
      }),
    );
  });

  it("never reaches a tenant outside the client list, nor one no membership justifies", () => {
    fc.assert(
      fc.property(fc.array(membershipArb, { maxLength: 5 }), (ms) => {
        const r = computeAccess(ms, clients);
        for (const t of r.tenants) {
          const client = clients.find((c) => c.id === t.tenantId)!;
          expect(client).toBeDefined();
          const justified = ms.some(
            (m) =>
              (m.tenantKind === "CLIENT" &&
                m.tenantId === t.tenantId &&
                (m.role === "CLIENT_ADMIN" || m.role === "CLIENT_VIEWER")) ||
              (m.tenantKind === "PROVIDER" &&
                m.tenantId === client.providerId &&
                (m.role === "PROVIDER_ADMIN" ||
                  ((m.role === "ENGINEER" || m.role === "ACCOUNT_MANAGER") && m.scopeTenantIds.includes(t.tenantId)))),
          );
          expect(justified).toBe(true);
          expect(t.permissions.size).toBeGreaterThan(0);
        }
        expect(new Set(r.tenants.map((t) => t.tenantId)).size).toBe(r.tenants.length);
      }),
    );
  });
});
