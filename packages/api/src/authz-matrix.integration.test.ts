/**
 * THE authorisation matrix: every tRPC procedure × every persona × own / foreign / random tenant (and own
 * tenant with foreign row ids). Fails when a procedure has no policy entry, when the declared meta and the
 * policy disagree, when any outcome differs from the policy, or when a foreign row comes back.
 */
import { randomUUID } from "node:crypto";
import {
  clearProbeAllowEntries,
  createIncident,
  createMembership,
  createNotificationChannel,
  createProbeAllowEntry,
  createUser,
  createWorld,
  type PersonaKey,
  type TenantFixture,
  type World,
} from "@steward/services/testing";
import { TRPCError } from "@trpc/server";
import { beforeAll, describe, expect, it } from "vitest";
import { createContext } from "./context.ts";
import { POLICY, type PolicyEntry, type SampleIds } from "./policy.ts";
import { appRouter, createCaller } from "./root.ts";
import type { ProcedureMeta } from "./trpc.ts";

type PersonaName = PersonaKey | "anonymous";
type TenantKey = "A" | "B" | "X";
type Outcome = "OK" | TRPCError["code"];

const PERSONAS: PersonaName[] = [
  "providerAdmin",
  "engineerA",
  "managerB",
  "unscopedEngineer",
  "clientAdminA",
  "clientViewerA",
  "clientAdminB",
  "anonymous",
];

/** Which tenants each persona reaches, and with which role (the product's rules, written out by hand). */
const REACH: Record<PersonaName, Partial<Record<TenantKey, string>>> = {
  providerAdmin: { A: "PROVIDER_ADMIN", B: "PROVIDER_ADMIN" },
  engineerA: { A: "ENGINEER" },
  managerB: { B: "ACCOUNT_MANAGER" },
  unscopedEngineer: {},
  clientAdminA: { A: "CLIENT_ADMIN" },
  clientViewerA: { A: "CLIENT_VIEWER" },
  clientAdminB: { B: "CLIENT_ADMIN" },
  anonymous: {},
};

/** The provider role each persona holds in the provider organisation (none for client users). */
const PROVIDER_ROLE: Record<PersonaName, string | undefined> = {
  providerAdmin: "PROVIDER_ADMIN",
  engineerA: "ENGINEER",
  managerB: "ACCOUNT_MANAGER",
  unscopedEngineer: "ENGINEER",
  clientAdminA: undefined,
  clientViewerA: undefined,
  clientAdminB: undefined,
  anonymous: undefined,
};

/** Permissions per role, written out independently of domain/roles.ts. */
const HELD: Record<string, string[]> = {
  CLIENT_VIEWER: ["tenant:read", "asset:read", "monitor:read", "incident:read", "contract:read"],
  CLIENT_ADMIN: [
    "tenant:read",
    "tenant:write",
    "asset:read",
    "monitor:read",
    "incident:read",
    "contract:read",
    "member:read",
    "member:write",
    "audit:read",
  ],
  ENGINEER: [
    "tenant:read",
    "asset:read",
    "monitor:read",
    "incident:read",
    "contract:read",
    "asset:write",
    "monitor:write",
    "incident:write",
    "audit:read",
  ],
  ACCOUNT_MANAGER: [
    "tenant:read",
    "asset:read",
    "monitor:read",
    "incident:read",
    "contract:read",
    "contract:write",
    "audit:read",
  ],
  PROVIDER_ADMIN: [
    "tenant:read",
    "tenant:write",
    "asset:read",
    "asset:write",
    "monitor:read",
    "monitor:write",
    "incident:read",
    "incident:write",
    "contract:read",
    "contract:write",
    "member:read",
    "member:write",
    "audit:read",
    "probe_network:approve",
  ],
};

let w: World;
const callers = new Map<PersonaName, ReturnType<typeof createCaller>>();

beforeAll(async () => {
  w = await createWorld();
  for (const p of PERSONAS) {
    const sessionId = p === "anonymous" ? null : w.personas[p].user.sessionId;
    const ctx = await createContext({ sessionId, requestId: `matrix-${p}`, ip: "127.0.0.1" });
    if (p !== "anonymous") expect(ctx.user?.id).toBe(w.personas[p].user.id);
    callers.set(p, createCaller(ctx));
  }
}, 60_000);

// At run time _def.procedures is flat, keyed by dotted path.
const procedures = appRouter._def.procedures as unknown as Record<
  string,
  { _def: { type: string; meta?: ProcedureMeta } }
>;
const paths = Object.keys(procedures).sort();

function idsOf(f: TenantFixture): string[] {
  return [f.id, f.assetId, f.monitorId, f.incidentId, f.spareMembershipId];
}

/** Fresh rows for mutations so every allowed call can succeed (an incident to ack, a member to remove). */
async function sampleIds(t: TenantFixture, mutation: boolean): Promise<SampleIds> {
  const base = {
    tenantId: t.id,
    assetId: t.assetId,
    monitorId: t.monitorId,
    incidentId: t.incidentId,
    membershipId: t.spareMembershipId,
    probeAllowEntryId: randomUUID(),
    channelId: randomUUID(),
    unique: randomUUID().slice(0, 8),
  };
  if (!mutation) return base;
  const incident = await createIncident(t.id, { monitorId: null });
  const user = await createUser();
  const membership = await createMembership({ userId: user.id, tenantId: t.id, role: "CLIENT_VIEWER" });
  const entry = await createProbeAllowEntry(t.id);
  const channel = await createNotificationChannel(t.id);
  return {
    ...base,
    incidentId: incident.id,
    membershipId: membership.id,
    probeAllowEntryId: entry.id,
    channelId: channel.id,
  };
}

async function call(persona: PersonaName, path: string, input: unknown): Promise<{ outcome: Outcome; data?: unknown }> {
  const caller = callers.get(persona)!;
  // biome-ignore lint/suspicious/noExplicitAny: walking the caller by path
  const fn = path.split(".").reduce<any>((o, k) => o[k], caller);
  try {
    const data = await fn(input);
    // A streamed export ({chunks: AsyncIterable<string>}): drain it so the leak check sees every row.
    const chunks = (data as { chunks?: AsyncIterable<string> } | null)?.chunks;
    if (chunks && Symbol.asyncIterator in chunks) {
      let text = "";
      for await (const c of chunks) text += c;
      return { outcome: "OK", data: { ...(data as object), chunks: text.split(/[\r\n,]+/) } };
    }
    return { outcome: "OK", data };
  } catch (e) {
    if (e instanceof TRPCError) return { outcome: e.code };
    throw e;
  }
}

/** Every string inside `value` (deep), to look for ids that must not be there. */
function strings(value: unknown, out: Set<string> = new Set()): Set<string> {
  if (typeof value === "string") out.add(value.toLowerCase());
  else if (Array.isArray(value)) for (const v of value) strings(v, out);
  else if (value && typeof value === "object" && !(value instanceof Date))
    for (const v of Object.values(value)) strings(v, out);
  return out;
}

function expected(
  entry: PolicyEntry,
  persona: PersonaName,
  tenant: TenantKey | "random" | null,
  rowsForeign: boolean,
  usesRowId: boolean,
): Outcome {
  const allowed: Outcome = entry.allowedOutcome ?? "OK";
  if (entry.kind === "public") return allowed;
  if (persona === "anonymous") return "UNAUTHORIZED";
  if (entry.kind === "authed") {
    // Provider-level data (the probe fleet): only the listed provider roles, everyone else FORBIDDEN.
    if (entry.providerRoles)
      return entry.providerRoles.some((r) => r === PROVIDER_ROLE[persona]) ? allowed : "FORBIDDEN";
    return allowed;
  }
  const role = tenant && tenant !== "random" ? REACH[persona][tenant] : undefined;
  if (!role) return "NOT_FOUND";
  if (entry.permission && !HELD[role]!.includes(entry.permission)) return "FORBIDDEN";
  if (rowsForeign && usesRowId) return "NOT_FOUND";
  return allowed;
}

describe("authorisation matrix", () => {
  it("every procedure has a policy entry whose kind and permission match the procedure's meta", () => {
    expect(paths.length).toBeGreaterThan(0);
    const missing = paths.filter((p) => !(p in POLICY));
    expect(missing, `procedures without a policy entry in policy.ts: ${missing.join(", ")}`).toEqual([]);
    const stale = Object.keys(POLICY).filter((p) => !paths.includes(p));
    expect(stale, "policy entries without a procedure").toEqual([]);
    for (const p of paths) {
      const meta = procedures[p]!._def.meta ?? {};
      const entry = (POLICY as Record<string, PolicyEntry>)[p]!;
      expect({ path: p, kind: meta.kind, permission: meta.permission }).toEqual({
        path: p,
        kind: entry.kind,
        permission: entry.permission,
      });
    }
  });

  for (const path of paths) {
    it(`${path}: persona × own / foreign / random tenant`, async () => {
      const entry = (POLICY as Record<string, PolicyEntry>)[path];
      if (!entry) throw new Error(`no policy entry for ${path}`);
      const mutation = procedures[path]!._def.type === "mutation";
      const mismatches: string[] = [];
      // Every mutation's sample ids include a fresh probe allowlist entry: keep tenants under the entry cap.
      if (mutation) await clearProbeAllowEntries();
      const all: Record<TenantKey, TenantFixture> = w.tenants;

      for (const persona of PERSONAS) {
        const reach = REACH[persona];
        const own = (Object.keys(reach)[0] as TenantKey | undefined) ?? "A";
        const foreignTenants = (["A", "B", "X"] as const).filter((k) => !reach[k]);

        type Scenario = { label: string; tenant: TenantKey | "random"; rowsFrom: TenantKey | "random" };
        const scenarios: Scenario[] = [
          { label: `own ${own}`, tenant: own, rowsFrom: own },
          ...foreignTenants.map((f) => ({ label: `foreign ${f}`, tenant: f, rowsFrom: f })),
          { label: "random tenant", tenant: "random" as const, rowsFrom: "random" as const },
        ];
        if (entry.kind === "tenant" && reach[own]) {
          scenarios.push({ label: `own ${own} with X's row ids`, tenant: own, rowsFrom: "X" });
          const sibling = own === "A" ? "B" : "A";
          scenarios.push({ label: `own ${own} with ${sibling}'s row ids`, tenant: own, rowsFrom: sibling });
        }

        for (const s of scenarios) {
          let ids: SampleIds;
          if (s.rowsFrom === "random") {
            ids = {
              tenantId: randomUUID(),
              assetId: randomUUID(),
              monitorId: randomUUID(),
              incidentId: randomUUID(),
              membershipId: randomUUID(),
              probeAllowEntryId: randomUUID(),
              channelId: randomUUID(),
              unique: randomUUID().slice(0, 8),
            };
          } else {
            const rows = await sampleIds(all[s.rowsFrom], mutation);
            ids = { ...rows, tenantId: s.tenant === "random" ? randomUUID() : all[s.tenant].id };
          }
          const input = entry.sample(ids);
          const rowIds = [
            ids.assetId,
            ids.monitorId,
            ids.incidentId,
            ids.membershipId,
            ids.probeAllowEntryId,
            ids.channelId,
          ];
          const usesRowId = rowIds.some((id) => strings(input).has(id));
          const rowsForeign = s.rowsFrom !== s.tenant;
          const want = expected(entry, persona, s.tenant, rowsForeign, usesRowId);
          const got = await call(persona, path, input);
          if (got.outcome !== want) {
            mismatches.push(`${persona} / ${s.label}: expected ${want}, got ${got.outcome}`);
            continue;
          }
          if (got.outcome !== "OK") continue;

          // No foreign rows: for a tenant call, nothing of any other tenant; for an authed call, nothing of
          // a tenant the persona does not reach.
          const seen = strings(got.data);
          const forbiddenTenants = (["A", "B", "X"] as const).filter((k) =>
            entry.kind === "tenant" ? k !== s.tenant : !reach[k],
          );
          for (const k of forbiddenTenants) {
            const leaked = idsOf(all[k]).filter((id) => seen.has(id));
            if (leaked.length) mismatches.push(`${persona} / ${s.label}: returned ${k}'s ids ${leaked.join(", ")}`);
          }
        }
        // me.get and tenant.list list exactly the reachable tenants.
        if ((path === "me.get" || path === "tenant.list") && persona !== "anonymous") {
          const got = await call(persona, path, undefined);
          const list =
            (path === "me.get"
              ? (got.data as { tenants: { id: string }[] }).tenants
              : (got.data as { id: string }[])) ?? [];
          const want = (Object.keys(reach) as TenantKey[]).map((k) => all[k].id).sort();
          const ids = list.map((t) => t.id).sort();
          if (JSON.stringify(ids) !== JSON.stringify(want))
            mismatches.push(`${persona}: ${path} lists ${ids} instead of ${want}`);
        }
      }
      expect(mismatches).toEqual([]);
    });
  }

  it("unscoped tenant procedures are all NOT_FOUND for the unscoped engineer (empty scope = no tenant)", async () => {
    const tenantPaths = paths.filter((p) => (POLICY as Record<string, PolicyEntry>)[p]!.kind === "tenant");
    for (const p of tenantPaths) {
      const ids = await sampleIds(w.tenants.A, procedures[p]!._def.type === "mutation");
      const got = await call("unscopedEngineer", p, (POLICY as Record<string, PolicyEntry>)[p]!.sample(ids));
      expect({ p, outcome: got.outcome }).toEqual({ p, outcome: "NOT_FOUND" });
    }
  });
});
