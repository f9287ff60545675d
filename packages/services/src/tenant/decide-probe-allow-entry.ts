import { MultiLineText } from "@steward/domain";
import { z } from "zod";
import { emitAudit } from "../audit/emit-audit.ts";
import { actorLabel, type ServiceContext } from "../context.ts";
import { ConflictError } from "../errors.ts";
import { requirePermission } from "../require-permission.ts";
import { withTenant } from "../with-tenant.ts";
import {
  clientTenantOrThrow,
  PROBE_ALLOW_ENTRY_SELECT,
  probeAllowEntryOrThrow,
  syncEffectiveProbeAllowlist,
} from "./probe-allow-entries.ts";

export const DecideProbeAllowEntryInput = z.object({
  entryId: z.uuid(),
  /** Shown to the tenant (e.g. why a request was rejected). */
  note: MultiLineText({ label: "Note", max: 500 }).optional(),
});
export type DecideProbeAllowEntryInput = z.input<typeof DecideProbeAllowEntryInput>;

async function decide(ctx: ServiceContext, rawInput: DecideProbeAllowEntryInput, to: "APPROVED" | "REJECTED") {
  requirePermission(ctx, "probe_network:approve");
  const input = DecideProbeAllowEntryInput.parse(rawInput);
  return withTenant(ctx, async (tx) => {
    const org = await clientTenantOrThrow(tx, ctx);
    const entry = await probeAllowEntryOrThrow(tx, org.id, input.entryId);
    if (entry.status !== "PENDING") {
      throw new ConflictError(`${entry.target} is not waiting for a decision (${entry.status.toLowerCase()})`);
    }
    // Conditional update: two approvers deciding at once cannot both win.
    const { count } = await tx.probeAllowEntry.updateMany({
      where: { id: entry.id, tenantId: org.id, status: "PENDING" },
      data: {
        status: to,
        decidedBy: actorLabel(ctx.actor),
        decidedAt: new Date(),
        ...(input.note ? { note: input.note } : {}),
      },
    });
    if (count !== 1) throw new ConflictError(`${entry.target} was decided meanwhile`);
    await emitAudit(tx, ctx, {
      action: to === "APPROVED" ? "probe_allow_entry.approve" : "probe_allow_entry.reject",
      targetType: "probe_allow_entry",
      targetId: entry.id,
      metadata: { target: entry.target, requestedBy: entry.requestedBy, note: input.note ?? null },
    });
    if (to === "APPROVED") await syncEffectiveProbeAllowlist(tx, org.id);
    return tx.probeAllowEntry.findFirstOrThrow({ where: { id: entry.id }, select: PROBE_ALLOW_ENTRY_SELECT });
  });
}

/**
 * Approve a PENDING probe allowlist entry (probe_network:approve: provider admins). From this transaction
 * on it is in organizations.probe_allow_cidrs, which the worker and "test now" read: the tenant's probes
 * may reach it (never a platform port: the deny list applies after every allowlist). Audited as
 * `probe_allow_entry.approve`.
 */
export function approveProbeAllowEntry(ctx: ServiceContext, input: DecideProbeAllowEntryInput) {
  return decide(ctx, input, "APPROVED");
}

/** Reject a PENDING entry (probe_network:approve); it never takes effect. Audited as `probe_allow_entry.reject`. */
export function rejectProbeAllowEntry(ctx: ServiceContext, input: DecideProbeAllowEntryInput) {
  return decide(ctx, input, "REJECTED");
}
