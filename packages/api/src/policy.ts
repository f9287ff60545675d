import type { Permission } from "@steward/domain";

/** Ids the matrix test hands to `sample` (a tenant and rows inside it; fresh rows for mutations). */
export interface SampleIds {
  tenantId: string;
  assetId: string;
  monitorId: string;
  incidentId: string;
  membershipId: string;
  /** A PENDING probe allowlist entry (fresh for mutations). */
  probeAllowEntryId: string;
  /** A notification channel (fresh for mutations). */
  channelId: string;
  /** A short unique string for names that must not collide. */
  unique: string;
}

export interface PolicyEntry {
  kind: "public" | "authed" | "tenant";
  /** For tenant procedures: the permission required in the tenant. */
  permission?: Permission;
  /** A valid input for the procedure. */
  sample: (ids: SampleIds) => unknown;
  /**
   * For authed procedures over provider-level data: the provider roles allowed (FORBIDDEN for everyone
   * else, including client users); checked in services.
   */
  providerRoles?: readonly ("PROVIDER_ADMIN" | "ENGINEER" | "ACCOUNT_MANAGER")[];
  /** What an allowed call answers when it is not a success (the sample is refused by the verb on purpose). */
  allowedOutcome?: "BAD_REQUEST" | "CONFLICT" | "SERVICE_UNAVAILABLE";
}

/**
 * Every procedure of appRouter and who may call it. The authorisation matrix test fails when a procedure
 * has no entry here, or when its behaviour (for every persona × own / foreign / random tenant) differs.
 */
export const POLICY = {
  "me.get": { kind: "authed", sample: () => undefined },
  "me.changePassword": {
    kind: "authed",
    // Wrong current password on purpose: the call reaches the verb (BAD_REQUEST) without logging anyone out.
    sample: () => ({ currentPassword: "not-the-password", newPassword: "Another-password-1" }),
    allowedOutcome: "BAD_REQUEST",
  },
  "tenant.list": { kind: "authed", sample: () => undefined },
  "tenant.overview": { kind: "tenant", permission: "tenant:read", sample: (i) => ({ tenantId: i.tenantId }) },
  "tenant.probeSettings": { kind: "tenant", permission: "tenant:read", sample: (i) => ({ tenantId: i.tenantId }) },
  "tenant.requestProbeAllowEntry": {
    kind: "tenant",
    permission: "tenant:write",
    // A fresh private entry per call (8 hex digits of `unique`): it waits for approval, never conflicts.
    sample: (i) => {
      const n = Number.parseInt(i.unique.slice(0, 8), 16) || 0;
      return { tenantId: i.tenantId, target: `10.${n & 255}.${(n >>> 8) & 255}.0/24:${1024 + ((n >>> 16) % 60000)}` };
    },
  },
  "tenant.approveProbeAllowEntry": {
    kind: "tenant",
    permission: "probe_network:approve",
    sample: (i) => ({ tenantId: i.tenantId, entryId: i.probeAllowEntryId }),
  },
  "tenant.rejectProbeAllowEntry": {
    kind: "tenant",
    permission: "probe_network:approve",
    sample: (i) => ({ tenantId: i.tenantId, entryId: i.probeAllowEntryId, note: "matrix" }),
  },
  "tenant.removeProbeAllowEntry": {
    kind: "tenant",
    permission: "tenant:write",
    sample: (i) => ({ tenantId: i.tenantId, entryId: i.probeAllowEntryId }),
  },
  "asset.list": { kind: "tenant", permission: "asset:read", sample: (i) => ({ tenantId: i.tenantId }) },
  "monitor.list": { kind: "tenant", permission: "monitor:read", sample: (i) => ({ tenantId: i.tenantId }) },
  "monitor.kinds": { kind: "tenant", permission: "monitor:read", sample: (i) => ({ tenantId: i.tenantId }) },
  "monitor.regions": { kind: "tenant", permission: "monitor:read", sample: (i) => ({ tenantId: i.tenantId }) },
  "monitor.exportCsv": {
    kind: "tenant",
    permission: "monitor:read",
    sample: (i) => ({ tenantId: i.tenantId, status: ["UP", "DOWN", "UNKNOWN", "PAUSED"], sort: "state" }),
  },
  "monitor.search": {
    kind: "tenant",
    permission: "monitor:read",
    sample: (i) => ({ tenantId: i.tenantId, q: "a", status: ["UP", "PAUSED"], sort: "latency", dir: "desc" }),
  },
  "monitor.update": {
    kind: "tenant",
    permission: "monitor:write",
    sample: (i) => ({ tenantId: i.tenantId, monitorId: i.monitorId, timeoutMs: 10_000 }),
  },
  "monitor.testConfig": {
    kind: "tenant",
    permission: "monitor:write",
    // Runs on a probe worker of the region (ADR 0012); the matrix has none, so an allowed call reaches the
    // verb and answers "no probe worker is running in region local" at once (503).
    sample: (i) => ({ tenantId: i.tenantId, kind: "HTTP", config: { url: "http://127.0.0.1:9/" }, timeoutMs: 1000 }),
    allowedOutcome: "SERVICE_UNAVAILABLE",
  },
  "monitor.setManyPaused": {
    kind: "tenant",
    permission: "monitor:write",
    sample: (i) => ({ tenantId: i.tenantId, monitorIds: [i.monitorId], paused: false }),
  },
  "monitor.changes": {
    kind: "tenant",
    permission: "monitor:read",
    sample: (i) => ({ tenantId: i.tenantId }),
  },
  "fleet.workers": { kind: "authed", providerRoles: ["PROVIDER_ADMIN", "ENGINEER"], sample: () => undefined },
  "monitor.get": {
    kind: "tenant",
    permission: "monitor:read",
    sample: (i) => ({ tenantId: i.tenantId, monitorId: i.monitorId }),
  },
  "monitor.create": {
    kind: "tenant",
    permission: "monitor:write",
    sample: (i) => ({
      tenantId: i.tenantId,
      name: `matrix ${i.unique}`,
      config: { url: "http://127.0.0.1:4100/healthy" },
      intervalSeconds: 30,
    }),
  },
  "monitor.rotateHeartbeatToken": {
    kind: "tenant",
    permission: "monitor:write",
    // The sample monitor is HTTP: the verb refuses it (BAD_REQUEST) after the permission check.
    sample: (i) => ({ tenantId: i.tenantId, monitorId: i.monitorId }),
    allowedOutcome: "BAD_REQUEST",
  },
  "monitor.setPaused": {
    kind: "tenant",
    permission: "monitor:write",
    sample: (i) => ({ tenantId: i.tenantId, monitorId: i.monitorId, paused: true }),
  },
  "channel.list": { kind: "tenant", permission: "tenant:read", sample: (i) => ({ tenantId: i.tenantId }) },
  "channel.create": {
    kind: "tenant",
    permission: "tenant:write",
    sample: (i) => ({
      tenantId: i.tenantId,
      kind: "SLACK",
      name: `matrix ${i.unique}`,
      secrets: { webhookUrl: "https://hooks.slack.com/services/T0000/B0000/matrixsecretvalue" },
    }),
  },
  "channel.update": {
    kind: "tenant",
    permission: "tenant:write",
    sample: (i) => ({ tenantId: i.tenantId, channelId: i.channelId, enabled: false }),
  },
  "channel.delete": {
    kind: "tenant",
    permission: "tenant:write",
    sample: (i) => ({ tenantId: i.tenantId, channelId: i.channelId }),
  },
  "incident.list": { kind: "tenant", permission: "incident:read", sample: (i) => ({ tenantId: i.tenantId }) },
  "incident.get": {
    kind: "tenant",
    permission: "incident:read",
    sample: (i) => ({ tenantId: i.tenantId, incidentId: i.incidentId }),
  },
  "incident.acknowledge": {
    kind: "tenant",
    permission: "incident:write",
    sample: (i) => ({ tenantId: i.tenantId, incidentId: i.incidentId }),
  },
  "incident.resolve": {
    kind: "tenant",
    permission: "incident:write",
    sample: (i) => ({ tenantId: i.tenantId, incidentId: i.incidentId }),
  },
  "incident.addNote": {
    kind: "tenant",
    permission: "incident:write",
    sample: (i) => ({ tenantId: i.tenantId, incidentId: i.incidentId, body: "matrix note" }),
  },
  "member.list": { kind: "tenant", permission: "member:read", sample: (i) => ({ tenantId: i.tenantId }) },
  "member.updateRole": {
    kind: "tenant",
    permission: "member:write",
    sample: (i) => ({ tenantId: i.tenantId, membershipId: i.membershipId, role: "CLIENT_ADMIN" }),
  },
  "member.remove": {
    kind: "tenant",
    permission: "member:write",
    sample: (i) => ({ tenantId: i.tenantId, membershipId: i.membershipId }),
  },
  "audit.list": { kind: "tenant", permission: "audit:read", sample: (i) => ({ tenantId: i.tenantId }) },
} satisfies Record<string, PolicyEntry>;
