import { Badge } from "@steward/ui";
import { CircleCheck, Eye, Siren } from "lucide-react";

export type IncidentStatus = "TRIGGERED" | "ACKNOWLEDGED" | "RESOLVED";

const META: Record<IncidentStatus, { label: string; icon: typeof Siren; variant: "down" | "degraded" | "up" }> = {
  TRIGGERED: { label: "Triggered", icon: Siren, variant: "down" },
  ACKNOWLEDGED: { label: "Acknowledged", icon: Eye, variant: "degraded" },
  RESOLVED: { label: "Resolved", icon: CircleCheck, variant: "up" },
};

export function IncidentStatusBadge({ status }: { status: IncidentStatus }) {
  const m = META[status];
  const Icon = m.icon;
  return (
    <Badge variant={m.variant} data-incident-status={status}>
      <Icon aria-hidden="true" />
      {m.label}
    </Badge>
  );
}

export const INCIDENT_STATUS_LABEL = {
  TRIGGERED: "Triggered",
  ACKNOWLEDGED: "Acknowledged",
  RESOLVED: "Resolved",
} as const;
