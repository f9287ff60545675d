/**
 * Test factories for integration tests. They write as steward_system (BYPASSRLS) through withSystem, the
 * way the seed and the worker do, so a test can build several tenants and then act through the services
 * as any persona. Never imported by production code.
 */
import { randomUUID } from "node:crypto";
import { type Tx, withSystem } from "@steward/db";
import type { Role } from "@steward/domain";
import { buildTenantContext, buildUserContext } from "../access/build-tenant-context.ts";
import { resolveAccess } from "../access/resolve-access.ts";
import { hashPassword } from "../auth/hash-password.ts";
import type { SessionUser } from "../auth/validate-session.ts";
import { sealChannelSecrets } from "../channel/channel-fields.ts";
import type { ServiceContext } from "../context.ts";

type MonitorState = "UP" | "DEGRADED" | "DOWN" | "UNKNOWN" | "MAINTENANCE";
type IncidentStatus = "TRIGGERED" | "ACKNOWLEDGED" | "RESOLVED";

export const TEST_PASSWORD = "Correct-horse-1";

const hashes = new Map<string, Promise<string>>();
const hashed = (pw: string) => {
  let h = hashes.get(pw);
  if (!h) {
    h = hashPassword(pw);
    hashes.set(pw, h);
  }
  return h;
};

const uniq = () => randomUUID().slice(0, 8);
const sys = <T>(fn: (tx: Tx) => Promise<T>) => withSystem(fn);

export async function createOrganization(
  o: { kind?: "PROVIDER" | "CLIENT"; name?: string; slug?: string; parentId?: string | null; timezone?: string } = {},
) {
  const u = uniq();
  return sys((tx) =>
    tx.organization.create({
      data: {
        kind: o.kind ?? "CLIENT",
        name: o.name ?? `Org ${u}`,
        slug: o.slug ?? `org-${u}`,
        parentId: o.parentId ?? null,
        timezone: o.timezone ?? "UTC",
      },
      select: { id: true, name: true, slug: true, timezone: true, kind: true, parentId: true },
    }),
  );
}

export async function createUser(o: { email?: string; name?: string; password?: string; disabled?: boolean } = {}) {
  const u = uniq();
  const passwordHash = await hashed(o.password ?? TEST_PASSWORD);
  return sys((tx) =>
    tx.user.create({
      data: {
        email: (o.email ?? `user-${u}@example.test`).toLowerCase(),
        name: o.name ?? `User ${u}`,
        passwordHash,
        disabledAt: o.disabled ? new Date() : null,
      },
      select: { id: true, email: true, name: true },
    }),
  );
}

export async function createMembership(o: { userId: string; tenantId: string; role: Role; scopeTenantIds?: string[] }) {
  return sys((tx) =>
    tx.membership.create({
      data: { userId: o.userId, tenantId: o.tenantId, role: o.role, scopeTenantIds: o.scopeTenantIds ?? [] },
      select: { id: true, userId: true, tenantId: true, role: true },
    }),
  );
}

export async function createSession(userId: string, o: { expiresAt?: Date; revoked?: boolean } = {}) {
  return sys((tx) =>
    tx.session.create({
      data: {
        userId,
        expiresAt: o.expiresAt ?? new Date(Date.now() + 12 * 3600_000),
        revokedAt: o.revoked ? new Date() : null,
      },
      select: { id: true, userId: true, expiresAt: true },
    }),
  );
}

export async function createAsset(tenantId: string, o: { name?: string } = {}) {
  return sys((tx) =>
    tx.asset.create({
      data: { tenantId, name: o.name ?? `asset-${uniq()}`, kind: "WEB_SERVICE" },
      select: { id: true, tenantId: true, name: true },
    }),
  );
}

export async function createMonitor(
  tenantId: string,
  o: {
    name?: string;
    assetId?: string | null;
    state?: MonitorState;
    url?: string;
    paused?: boolean;
    intervalSeconds?: number;
  } = {},
) {
  return sys((tx) =>
    tx.monitor.create({
      data: {
        tenantId,
        name: o.name ?? `monitor-${uniq()}`,
        kind: "HTTP",
        assetId: o.assetId ?? null,
        config: { url: o.url ?? "http://127.0.0.1:4100/healthy", method: "GET", expectedStatus: [200] },
        intervalSeconds: o.intervalSeconds ?? 60,
        state: o.state ?? "UP",
        paused: o.paused ?? false,
      },
      select: { id: true, tenantId: true, name: true },
    }),
  );
}

export async function createIncident(
  tenantId: string,
  o: { monitorId?: string | null; status?: IncidentStatus; title?: string; openedAt?: Date } = {},
) {
  return sys(async (tx) => {
    const last = await tx.incident.aggregate({ where: { tenantId }, _max: { number: true } });
    const status = o.status ?? "TRIGGERED";
    const openedAt = o.openedAt ?? new Date();
    const incident = await tx.incident.create({
      data: {
        tenantId,
        number: (last._max.number ?? 0) + 1,
        monitorId: o.monitorId ?? null,
        title: o.title ?? `Incident ${uniq()}`,
        status,
        openedAt,
        acknowledgedAt: status === "TRIGGERED" ? null : openedAt,
        resolvedAt: status === "RESOLVED" ? openedAt : null,
      },
      select: { id: true, tenantId: true, number: true, status: true },
    });
    await tx.incidentEvent.create({
      data: {
        tenantId,
        incidentId: incident.id,
        kind: "OPENED",
        message: "opened by factory",
        actorType: "SYSTEM",
        actorLabel: "system:test",
      },
      select: { id: true },
    });
    return incident;
  });
}

export async function createStateIntervals(
  tenantId: string,
  monitorId: string,
  spans: readonly { state: MonitorState; startedAt: Date; endedAt: Date | null }[],
) {
  await sys((tx) => tx.stateInterval.createMany({ data: spans.map((s) => ({ tenantId, monitorId, ...s })) }));
}

export async function createProbeResults(
  tenantId: string,
  monitorId: string,
  rows: readonly { scheduledAt: Date; latencyMs: number | null; state?: MonitorState; statusCode?: number | null }[],
) {
  await sys((tx) =>
    tx.probeResult.createMany({
      data: rows.map((r) => ({
        tenantId,
        monitorId,
        scheduledAt: r.scheduledAt,
        checkedAt: r.scheduledAt,
        latencyMs: r.latencyMs,
        state: r.state ?? "UP",
        statusCode: r.statusCode ?? 200,
      })),
    }),
  );
}

/** The audit rows of a tenant (or of no tenant), newest first, read as the system role. */
export async function auditRows(where: { tenantId?: string | null; action?: string; actorId?: string } = {}) {
  return sys((tx) =>
    tx.auditLog.findMany({
      where: {
        ...(where.tenantId !== undefined ? { tenantId: where.tenantId } : {}),
        ...(where.action ? { action: where.action } : {}),
        ...(where.actorId ? { actorId: where.actorId } : {}),
      },
      orderBy: { id: "desc" },
    }),
  );
}

export async function liveSessionCount(userId: string) {
  return sys((tx) => tx.session.count({ where: { userId, revokedAt: null } }));
}

// --- personas ------------------------------------------------------------------------------------

export interface TenantFixture {
  id: string;
  name: string;
  slug: string;
  assetId: string;
  monitorId: string;
  incidentId: string;
  /** A CLIENT_VIEWER membership used as the target of member.* calls. */
  spareMembershipId: string;
}

export interface Persona {
  key: PersonaKey;
  user: SessionUser;
  email: string;
}

export type PersonaKey =
  | "providerAdmin"
  | "engineerA"
  | "managerB"
  | "unscopedEngineer"
  | "clientAdminA"
  | "clientViewerA"
  | "clientAdminB";

export interface World {
  providerId: string;
  /** A and B belong to the provider; X to another provider (foreign even to the provider admin). */
  tenants: { A: TenantFixture; B: TenantFixture; X: TenantFixture };
  personas: Record<PersonaKey, Persona>;
}

async function tenantFixture(providerId: string, label: string): Promise<TenantFixture> {
  const org = await createOrganization({ kind: "CLIENT", name: `Tenant ${label} ${uniq()}`, parentId: providerId });
  const asset = await createAsset(org.id);
  const monitor = await createMonitor(org.id, { assetId: asset.id });
  const incident = await createIncident(org.id, { monitorId: monitor.id });
  const spare = await createUser();
  const spareMembership = await createMembership({ userId: spare.id, tenantId: org.id, role: "CLIENT_VIEWER" });
  return {
    id: org.id,
    name: org.name,
    slug: org.slug,
    assetId: asset.id,
    monitorId: monitor.id,
    incidentId: incident.id,
    spareMembershipId: spareMembership.id,
  };
}

async function persona(key: PersonaKey, tenantId: string, role: Role, scope: string[] = []): Promise<Persona> {
  const user = await createUser({ name: key });
  await createMembership({ userId: user.id, tenantId, role, scopeTenantIds: scope });
  const session = await createSession(user.id);
  return { key, email: user.email, user: { id: user.id, email: user.email, name: user.name, sessionId: session.id } };
}

/**
 * The demo-style world: a provider with client tenants A and B, another provider with client X (each
 * tenant with an asset, a monitor, an open incident and a spare viewer membership) and the seven
 * signed-in personas of the brief.
 */
export async function createWorld(): Promise<World> {
  const provider = await createOrganization({ kind: "PROVIDER", name: `Provider ${uniq()}` });
  const A = await tenantFixture(provider.id, "A");
  const B = await tenantFixture(provider.id, "B");
  const otherProvider = await createOrganization({ kind: "PROVIDER", name: `Other provider ${uniq()}` });
  const X = await tenantFixture(otherProvider.id, "X");
  const personas = {
    providerAdmin: await persona("providerAdmin", provider.id, "PROVIDER_ADMIN"),
    engineerA: await persona("engineerA", provider.id, "ENGINEER", [A.id]),
    managerB: await persona("managerB", provider.id, "ACCOUNT_MANAGER", [B.id]),
    unscopedEngineer: await persona("unscopedEngineer", provider.id, "ENGINEER", []),
    clientAdminA: await persona("clientAdminA", A.id, "CLIENT_ADMIN"),
    clientViewerA: await persona("clientViewerA", A.id, "CLIENT_VIEWER"),
    clientAdminB: await persona("clientAdminB", B.id, "CLIENT_ADMIN"),
  };
  return { providerId: provider.id, tenants: { A, B, X }, personas };
}

/** A ServiceContext for `user` acting in `tenantId` (throws NotFound when unreachable). */
export async function tenantContext(user: SessionUser, tenantId: string): Promise<ServiceContext> {
  const access = await resolveAccess(user.id);
  return buildTenantContext(user, access, tenantId, { requestId: `test-${uniq()}`, ip: "127.0.0.1" });
}

/** A ServiceContext for `user` outside any tenant. */
export async function userContext(user: SessionUser): Promise<ServiceContext> {
  const access = await resolveAccess(user.id);
  return buildUserContext(user, access, { requestId: `test-${uniq()}`, ip: "127.0.0.1" });
}

/** A tenant probe allowlist entry (default: a PENDING private one, as a client admin's request leaves it). */
export async function createProbeAllowEntry(
  tenantId: string,
  o: { target?: string; status?: "PENDING" | "APPROVED" | "REJECTED" } = {},
) {
  return sys(async (tx) => {
    const status = o.status ?? "PENDING";
    const entry = await tx.probeAllowEntry.create({
      data: {
        tenantId,
        target:
          o.target ??
          `10.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}.0/24:${1000 + Math.floor(Math.random() * 60000)}`,
        status,
        requestedBy: "factory",
        ...(status === "PENDING" ? {} : { decidedBy: "factory", decidedAt: new Date() }),
      },
      select: { id: true, tenantId: true, target: true, status: true },
    });
    if (status === "APPROVED") {
      const approved = await tx.probeAllowEntry.findMany({
        where: { tenantId, status: "APPROVED" },
        select: { target: true },
      });
      await tx.organization.update({
        where: { id: tenantId },
        data: { probeAllowCidrs: approved.map((e) => e.target) },
      });
    }
    return entry;
  });
}

/** Removes every probe allowlist entry (tests that create many, e.g. the authorisation matrix). */
export async function clearProbeAllowEntries() {
  await sys(async (tx) => {
    await tx.probeAllowEntry.deleteMany({});
    await tx.organization.updateMany({ data: { probeAllowCidrs: [] } });
  });
}

/** A PagerDuty notification channel with a sealed routing key (valid for every verb). */
export async function createNotificationChannel(tenantId: string, o: { name?: string } = {}) {
  const id = randomUUID();
  const secrets = sealChannelSecrets(tenantId, id, { routingKey: `R${randomUUID().replaceAll("-", "")}` });
  return sys((tx) =>
    tx.notificationChannel.create({
      data: { id, tenantId, kind: "PAGERDUTY", name: o.name ?? `channel-${uniq()}`, config: {}, secrets },
      select: { id: true, tenantId: true, name: true },
    }),
  );
}
