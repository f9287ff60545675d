import type { Tx } from "@steward/db";
import type { TimelineEventDraft } from "@steward/domain";
import { type Actor, actorId, actorLabel } from "../context.ts";

/** Append timeline events (with the actor's label) to an incident, inside the caller's transaction. */
export async function insertIncidentEvents(
  tx: Tx,
  args: { tenantId: string; incidentId: string; actor: Actor; events: readonly TimelineEventDraft[]; at?: Date },
): Promise<void> {
  if (args.events.length === 0) return;
  await tx.incidentEvent.createMany({
    data: args.events.map((e) => ({
      tenantId: args.tenantId,
      incidentId: args.incidentId,
      kind: e.kind,
      message: e.message,
      actorType: args.actor.type,
      actorId: actorId(args.actor),
      actorLabel: actorLabel(args.actor),
      ...(args.at ? { createdAt: args.at } : {}),
    })),
  });
}

export const incidentSummarySelect = {
  id: true,
  number: true,
  title: true,
  status: true,
  priority: true,
  openedAt: true,
  acknowledgedAt: true,
  resolvedAt: true,
  monitor: { select: { id: true, name: true, state: true } },
} as const;
