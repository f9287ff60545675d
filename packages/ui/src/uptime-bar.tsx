import type * as React from "react";
import { cn } from "./utils.ts";

export interface UptimeDay {
  /** Label for the day, e.g. "24 Nov 2026". */
  label: string;
  /** 0..1 uptime ratio, or null when there is no data. */
  uptime: number | null;
  downtimeSeconds?: number;
  maintenance?: boolean;
}

function colorFor(day: UptimeDay): { cls: string; text: string } {
  if (day.maintenance) return { cls: "bg-status-maintenance", text: "maintenance" };
  if (day.uptime === null) return { cls: "bg-status-unknown/40", text: "no data" };
  if (day.uptime >= 0.999) return { cls: "bg-status-up", text: `${(day.uptime * 100).toFixed(2)}% up` };
  if (day.uptime >= 0.99) return { cls: "bg-status-degraded", text: `${(day.uptime * 100).toFixed(2)}% up` };
  return { cls: "bg-status-down", text: `${(day.uptime * 100).toFixed(2)}% up` };
}

function fmtDuration(s: number): string {
  if (s < 60) return `${Math.round(s)} s`;
  if (s < 3600) return `${Math.round(s / 60)} min`;
  return `${(s / 3600).toFixed(1)} h`;
}

export interface UptimeBarProps extends React.ComponentProps<"div"> {
  days: readonly UptimeDay[];
  /** Overall ratio shown below, 0..1 or null. */
  overall?: number | null;
  caption?: string;
}

/** One bar per day: green ≥ 99.9 %, amber ≥ 99 %, red below, blue maintenance, grey no data. */
export function UptimeBar({ days, overall, caption, className, ...props }: UptimeBarProps) {
  return (
    <div className={cn("space-y-1.5", className)} {...props}>
      <ul className="flex h-8 items-stretch gap-[2px]" aria-label={caption ?? "Daily uptime"}>
        {days.map((day) => {
          const c = colorFor(day);
          const extra = day.downtimeSeconds ? `, ${fmtDuration(day.downtimeSeconds)} down` : "";
          const text = `${day.label}: ${c.text}${extra}`;
          return (
            <li
              key={day.label}
              title={text}
              aria-label={text}
              className={cn("min-w-[3px] flex-1 rounded-[2px]", c.cls)}
            />
          );
        })}
      </ul>
      <div className="flex justify-between text-xs text-muted-foreground">
        <span>{days[0]?.label}</span>
        {overall !== undefined ? (
          <span>{overall === null ? "No data" : `${(overall * 100).toFixed(2)}% uptime`}</span>
        ) : null}
        <span>{days.at(-1)?.label}</span>
      </div>
    </div>
  );
}
