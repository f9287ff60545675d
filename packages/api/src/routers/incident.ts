import {
  AcknowledgeIncidentInput,
  AddIncidentNoteInput,
  acknowledgeIncident,
  addIncidentNote,
  GetIncidentInput,
  getIncident,
  ListIncidentsInput,
  listIncidents,
  ResolveIncidentInput,
  resolveIncident,
} from "@steward/services";
import type { TRPCRouterRecord } from "@trpc/server";
import { permission } from "../trpc.ts";

export const incidentRouter = {
  list: permission("incident:read")
    .input(ListIncidentsInput)
    .query(({ ctx, input }) => listIncidents(ctx.service, input)),
  get: permission("incident:read")
    .input(GetIncidentInput)
    .query(({ ctx, input }) => getIncident(ctx.service, input)),
  acknowledge: permission("incident:write")
    .input(AcknowledgeIncidentInput)
    .mutation(({ ctx, input }) => acknowledgeIncident(ctx.service, input)),
  resolve: permission("incident:write")
    .input(ResolveIncidentInput)
    .mutation(({ ctx, input }) => resolveIncident(ctx.service, input)),
  addNote: permission("incident:write")
    .input(AddIncidentNoteInput)
    .mutation(({ ctx, input }) => addIncidentNote(ctx.service, input)),
} satisfies TRPCRouterRecord;
