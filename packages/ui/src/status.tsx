import {
  CircleCheck,
  CircleQuestionMark,
  CircleX,
  type LucideIcon,
  TriangleExclamationPoint,
  Wrench,
} from "lucide-react";
import type * as React from "react";
import { Badge } from "./badge.tsx";
import { cn } from "./utils.ts";

export type MonitorStatus = "UP" | "DEGRADED" | "DOWN" | "UNKNOWN" | "MAINTENANCE";

export const STATUS_META: Record<
  MonitorStatus,
  { label: string; icon: LucideIcon; variant: "up" | "degraded" | "down" | "unknown" | "maintenance"; color: string }
> = {
  UP: { label: "Up", icon: CircleCheck, variant: "up", color: "var(--status-up)" },
  DEGRADED: { label: "Degraded", icon: TriangleExclamationPoint, variant: "degraded", color: "var(--status-degraded)" },
  DOWN: { label: "Down", icon: CircleX, variant: "down", color: "var(--status-down)" },
  UNKNOWN: { label: "Unknown", icon: CircleQuestionMark, variant: "unknown", color: "var(--status-unknown)" },
  MAINTENANCE: { label: "Maintenance", icon: Wrench, variant: "maintenance", color: "var(--status-maintenance)" },
};

export interface StatusBadgeProps extends Omit<React.ComponentProps<"span">, "children"> {
  status: MonitorStatus;
  /** Override the visible text (the icon always stays). */
  label?: string;
}

/** A monitor/tenant status: icon + text, never colour alone. */
export function StatusBadge({ status, label, className, ...props }: StatusBadgeProps) {
  const meta = STATUS_META[status] ?? STATUS_META.UNKNOWN;
  const Icon = meta.icon;
  return (
    <Badge variant={meta.variant} data-status={status} className={className} {...props}>
      <Icon aria-hidden="true" />
      {label ?? meta.label}
    </Badge>
  );
}

/** Just the icon, for dense places; carries an accessible label. */
export function StatusIcon({ status, className }: { status: MonitorStatus; className?: string }) {
  const meta = STATUS_META[status] ?? STATUS_META.UNKNOWN;
  const Icon = meta.icon;
  return (
    <Icon
      role="img"
      aria-label={meta.label}
      className={cn("size-4 shrink-0", className)}
      style={{ color: meta.color }}
    />
  );
}
