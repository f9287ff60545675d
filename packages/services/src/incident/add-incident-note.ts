import { MultiLineText, NOTE_MAX_LENGTH } from "@steward/domain";
import { z } from "zod";
import type { ServiceContext } from "../context.ts";
import { requirePermission } from "../require-permission.ts";
import { withTenant } from "../with-tenant.ts";
import { applyIncidentAction } from "./transition-incident-in-tx.ts";

export const AddIncidentNoteInput = z.object({
  incidentId: z.uuid(),
  body: MultiLineText({ label: "A note", min: 1, max: NOTE_MAX_LENGTH }),
});
export type AddIncidentNoteInput = z.input<typeof AddIncidentNoteInput>;

export async function addIncidentNote(ctx: ServiceContext, rawInput: AddIncidentNoteInput) {
  requirePermission(ctx, "incident:write");
  const input = AddIncidentNoteInput.parse(rawInput);
  return withTenant(ctx, (tx) =>
    applyIncidentAction(tx, ctx, input.incidentId, { type: "note", body: input.body }, "incident.add_note"),
  );
}
