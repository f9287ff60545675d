import type { Tx } from "@steward/db";
import type { ServiceContext } from "../context.ts";
import { NotFoundError } from "../errors.ts";

/** What the probe-network verbs return for one entry (no actor ids: labels only, as the audit log shows). */
export const PROBE_ALLOW_ENTRY_SELECT = {
  id: true,
  target: true,
  status: true,
  requestedBy: true,
  requestedAt: true,
  decidedBy: true,
  decidedAt: true,
  note: true,
} as const;

/** The current tenant's organization row, client tenants only (NotFound otherwise, as for a foreign id). */
export async function clientTenantOrThrow(tx: Tx, ctx: ServiceContext): Promise<{ id: string }> {
  const org = await tx.organization.findFirst({
    where: { id: ctx.tenant?.id ?? "", kind: "CLIENT" },
    select: { id: true },
  });
  if (!org) throw new NotFoundError("Tenant not found");
  return org;
}

/** One entry of the current tenant, or NotFound (a foreign id is invisible under RLS and the tenant filter). */
export async function probeAllowEntryOrThrow(tx: Tx, tenantId: string, id: string) {
  const entry = await tx.probeAllowEntry.findFirst({
    where: { id, tenantId },
    select: PROBE_ALLOW_ENTRY_SELECT,
  });
  if (!entry) throw new NotFoundError("Allowlist entry not found");
  return entry;
}

/**
 * Rewrites organizations.probe_allow_cidrs — what the SSRF guard adds for this tenant — from the APPROVED
 * entries, in the caller's transaction. The only writer of that column.
 */
export async function syncEffectiveProbeAllowlist(tx: Tx, tenantId: string): Promise<string[]> {
  const approved = await tx.probeAllowEntry.findMany({
    where: { tenantId, status: "APPROVED" },
    select: { target: true },
    orderBy: [{ requestedAt: "asc" }, { target: "asc" }],
  });
  const effective = approved.map((e) => e.target);
  await tx.organization.update({ where: { id: tenantId }, data: { probeAllowCidrs: effective }, select: { id: true } });
  return effective;
}
