import type { IncidentStatus } from "~/components/incident-status.tsx";

export type IncidentFilter = IncidentStatus | "OPEN";

/** The ?status= filter of the incident list (server and client). */
export function parseStatusFilter(v: string | string[] | undefined): IncidentFilter | undefined {
  const s = Array.isArray(v) ? v[0] : v;
  return s === "OPEN" || s === "TRIGGERED" || s === "ACKNOWLEDGED" || s === "RESOLVED" ? s : undefined;
}
