import { MultiLineText, normaliseAllowTarget, SingleLineText } from "@steward/domain";
import { z } from "zod";
import { emitAudit } from "../audit/emit-audit.ts";
import { actorLabel, type ServiceContext } from "../context.ts";
import { ConflictError, ValidationError } from "../errors.ts";
import { requirePermission } from "../require-permission.ts";
import { withTenant } from "../with-tenant.ts";
import { clientTenantOrThrow, PROBE_ALLOW_ENTRY_SELECT, syncEffectiveProbeAllowlist } from "./probe-allow-entries.ts";

export const RequestProbeAllowEntryInput = z.object({
  /** `cidr:port`, `cidr:from-to`, `[v6-cidr]:port`; a public range may be bare (docs/ssrf.md). */
  target: SingleLineText({ label: "Target", max: 200 }),
  /** Why the tenant needs it (shown to the approver). */
  note: MultiLineText({ label: "Note", max: 500 }).optional(),
});
export type RequestProbeAllowEntryInput = z.input<typeof RequestProbeAllowEntryInput>;

/** Entries per tenant, whatever their status (the guard's list stays short). */
export const PROBE_ALLOW_ENTRIES_MAX = 64;

/**
 * Ask for a probe allowlist entry (tenant:write: client admin, provider admin). The entry is validated and
 * normalised by domain/cidr-allowlist.ts (tenant rules: ports required for private space, never loopback
 * or a metadata address). A range that reaches private space is PENDING until a provider admin approves it
 * (approveProbeAllowEntry) and takes no effect before; a wholly public range is APPROVED at once (public
 * addresses are reachable anyway). Asking again for a REJECTED entry re-opens it as PENDING. Audited as
 * `probe_allow_entry.request`.
 */
export async function requestProbeAllowEntry(ctx: ServiceContext, rawInput: RequestProbeAllowEntryInput) {
  requirePermission(ctx, "tenant:write");
  const input = RequestProbeAllowEntryInput.parse(rawInput);
  const parsed = normaliseAllowTarget(input.target, { scope: "tenant" });
  if (!parsed.ok) throw new ValidationError(parsed.message, { field: "target" });
  const status = parsed.public ? "APPROVED" : "PENDING";
  const label = actorLabel(ctx.actor);
  const now = new Date();
  const decision = parsed.public ? { decidedBy: label, decidedAt: now } : { decidedBy: null, decidedAt: null };
  return withTenant(ctx, async (tx) => {
    const org = await clientTenantOrThrow(tx, ctx);
    const existing = await tx.probeAllowEntry.findFirst({
      where: { tenantId: org.id, target: parsed.entry },
      select: { id: true, status: true },
    });
    if (existing && existing.status !== "REJECTED") {
      throw new ConflictError(
        `${parsed.entry} is already ${existing.status === "PENDING" ? "waiting for approval" : "allowed"}`,
        { field: "target" },
      );
    }
    if (!existing && (await tx.probeAllowEntry.count({ where: { tenantId: org.id } })) >= PROBE_ALLOW_ENTRIES_MAX) {
      throw new ValidationError(`At most ${PROBE_ALLOW_ENTRIES_MAX} entries: remove one first`, { field: "target" });
    }
    const data = {
      status,
      requestedBy: label,
      requestedAt: now,
      note: input.note || null,
      ...decision,
    } as const;
    const entry = existing
      ? await tx.probeAllowEntry.update({ where: { id: existing.id }, data, select: PROBE_ALLOW_ENTRY_SELECT })
      : await tx.probeAllowEntry.create({
          data: { tenantId: org.id, target: parsed.entry, ...data },
          select: PROBE_ALLOW_ENTRY_SELECT,
        });
    await emitAudit(tx, ctx, {
      action: "probe_allow_entry.request",
      targetType: "probe_allow_entry",
      targetId: entry.id,
      metadata: { target: entry.target, status, public: parsed.public, note: entry.note },
    });
    if (status === "APPROVED") await syncEffectiveProbeAllowlist(tx, org.id);
    return entry;
  });
}
