"use client";
import * as React from "react";
import { Tooltip, TooltipContent, TooltipTrigger } from "./tooltip.tsx";
import { cn } from "./utils.ts";

export interface UptimeDay {
  /** Label for the day, e.g. "24 Nov 2026". */
  label: string;
  /** 0..1 uptime ratio, or null when there is no data. */
  uptime: number | null;
  downtimeSeconds?: number;
  /** The day was mostly maintenance (shown blue). */
  maintenance?: boolean;
}

type Level = "up" | "degraded" | "down" | "maintenance" | "none";

function levelOf(day: UptimeDay): Level {
  if (day.maintenance) return "maintenance";
  if (day.uptime === null) return "none";
  if (day.uptime >= 0.999) return "up";
  if (day.uptime >= 0.99) return "degraded";
  return "down";
}

const CLASS: Record<Level, string> = {
  up: "bg-status-up",
  degraded: "bg-status-degraded",
  down: "bg-status-down",
  maintenance: "bg-status-maintenance",
  none: "bg-status-unknown/40",
};

export function formatDowntime(s: number): string {
  if (s <= 0) return "no downtime";
  if (s < 60) return `${Math.round(s)} s down`;
  if (s < 3600) return `${Math.round(s / 60)} min down`;
  const h = Math.floor(s / 3600);
  const m = Math.round((s % 3600) / 60);
  return m > 0 ? `${h} h ${m} min down` : `${h} h down`;
}

const pct = (r: number) => `${r >= 0.99995 ? "100" : (r * 100).toFixed(2)}%`;

function describe(day: UptimeDay): string {
  const up = day.uptime === null ? "no data" : `${pct(day.uptime)} uptime`;
  const maint = day.maintenance ? "mostly maintenance, " : "";
  return `${day.label}: ${maint}${up}, ${formatDowntime(day.downtimeSeconds ?? 0)}`;
}

export interface UptimeBarProps extends React.ComponentProps<"div"> {
  days: readonly UptimeDay[];
  /** Overall ratio shown below, 0..1 or null. */
  overall?: number | null;
  /** Label of the overall figure, e.g. "uptime, last 90 days". */
  overallLabel?: string;
  caption?: string;
}

/**
 * One bar per day: green ≥ 99.9 %, amber ≥ 99 %, red below, blue mostly maintenance, grey no data (never
 * green). Each bar is a button with a tooltip (date, downtime, uptime); one tab stop, ←/→/Home/End move
 * between days. A screen-reader summary counts the days per colour.
 */
export function UptimeBar({ days, overall, overallLabel, caption, className, ...props }: UptimeBarProps) {
  const [active, setActive] = React.useState(Math.max(0, days.length - 1));
  const refs = React.useRef<(HTMLButtonElement | null)[]>([]);
  const current = Math.min(active, Math.max(0, days.length - 1));
  const move = (i: number) => {
    const next = Math.max(0, Math.min(days.length - 1, i));
    setActive(next);
    refs.current[next]?.focus();
  };
  const onKeyDown = (e: React.KeyboardEvent) => {
    const map: Record<string, number> = {
      ArrowLeft: current - 1,
      ArrowRight: current + 1,
      Home: 0,
      End: days.length - 1,
    };
    const to = map[e.key];
    if (to === undefined) return;
    e.preventDefault();
    move(to);
  };
  const counts: Record<Level, number> = { up: 0, degraded: 0, down: 0, maintenance: 0, none: 0 };
  for (const d of days) counts[levelOf(d)] += 1;
  const label = caption ?? "Daily uptime";
  return (
    <div className={cn("space-y-1.5", className)} {...props}>
      <p className="sr-only">
        {`${label}: ${days.length} days — ${counts.up} at or above 99.9 %, ${counts.degraded} between 99 % and 99.9 %, ${counts.down} below 99 %, ${counts.maintenance} mostly maintenance, ${counts.none} without data.`}
      </p>
      <ul className="flex h-8 items-stretch gap-[2px]" aria-label={label} onKeyDown={onKeyDown}>
        {days.map((day, i) => {
          const text = describe(day);
          return (
            <li key={day.label} className="flex min-w-[2px] flex-1">
              <Tooltip>
                <TooltipTrigger asChild>
                  <button
                    type="button"
                    ref={(el) => {
                      refs.current[i] = el;
                    }}
                    tabIndex={i === current ? 0 : -1}
                    aria-label={text}
                    onFocus={() => setActive(i)}
                    className={cn(
                      "w-full rounded-[2px] outline-none hover:opacity-80 focus-visible:ring-2 focus-visible:ring-ring focus-visible:ring-offset-1",
                      CLASS[levelOf(day)],
                    )}
                  />
                </TooltipTrigger>
                <TooltipContent>
                  <div className="font-medium">{day.label}</div>
                  <div>{day.uptime === null ? "No data" : `${pct(day.uptime)} uptime`}</div>
                  <div>{formatDowntime(day.downtimeSeconds ?? 0)}</div>
                  {day.maintenance ? <div>Mostly maintenance</div> : null}
                </TooltipContent>
              </Tooltip>
            </li>
          );
        })}
      </ul>
      <div className="flex justify-between text-xs text-muted-foreground">
        <span>{days[0]?.label}</span>
        {overall !== undefined ? (
          <span className="font-medium text-foreground">
            {overall === null ? "No data" : `${pct(overall)} ${overallLabel ?? "uptime"}`}
          </span>
        ) : null}
        <span>{days.at(-1)?.label}</span>
      </div>
    </div>
  );
}
