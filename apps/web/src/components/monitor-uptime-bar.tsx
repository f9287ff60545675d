"use client";
import {
  cn,
  describeUptimeDay,
  formatDowntime,
  formatUptimePct,
  Popover,
  PopoverAnchor,
  PopoverContent,
  type UptimeDay,
  uptimeBarSummary,
  uptimeDayClass,
} from "@steward/ui";
import { Siren } from "lucide-react";
import Link from "next/link";
import { useEffect, useMemo, useRef, useState } from "react";
import { ExactTime } from "~/components/time.tsx";

export interface BarIncident {
  id: string;
  number: number;
  title: string;
  status: string;
  openedAt: Date | string;
  resolvedAt: Date | string | null;
}

/**
 * The 90-day uptime bar of a monitor with the incidents of each day: hovering or focusing a day shows its
 * uptime, downtime and incidents; Enter / Space / click pins the card and moves focus into it so its
 * incident links can be followed by keyboard (Escape returns to the day). One tab stop for the bar;
 * ←/→/Home/End move between days. Colours and words from @steward/ui (uptime-bar.tsx).
 */
export function MonitorUptimeBar({
  days,
  incidentsByDay,
  incidents,
  incidentHref,
  overall,
  overallLabel,
  caption = "Daily uptime",
  timeZone,
}: {
  /** Oldest first, each with its local date (YYYY-MM-DD) as in incidentsByDay. */
  days: readonly (UptimeDay & { date: string })[];
  incidentsByDay: Readonly<Record<string, readonly string[]>>;
  incidents: readonly BarIncident[];
  incidentHref: (id: string) => string;
  overall?: number | null;
  overallLabel?: string;
  caption?: string;
  timeZone: string;
}) {
  const [active, setActive] = useState(Math.max(0, days.length - 1));
  const [open, setOpen] = useState<{ index: number; pinned: boolean } | null>(null);
  const refs = useRef<(HTMLButtonElement | null)[]>([]);
  const contentRef = useRef<HTMLDivElement | null>(null);
  const hoverTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const current = Math.min(active, Math.max(0, days.length - 1));
  const byId = new Map(incidents.map((i) => [i.id, i]));

  // The popover is anchored to the open day's button through a virtual element (the buttons themselves are
  // never re-wrapped, so focus stays on them while the arrows move).
  const anchorIndex = open?.index ?? -1;
  const anchor = useMemo(
    () => ({
      current: {
        getBoundingClientRect: () => refs.current[anchorIndex]?.getBoundingClientRect() ?? new DOMRect(),
      },
    }),
    [anchorIndex],
  );
  const isDay = (t: EventTarget | null) => refs.current.some((el) => el !== null && el === t);

  const clearTimer = () => {
    if (hoverTimer.current) clearTimeout(hoverTimer.current);
    hoverTimer.current = null;
  };
  useEffect(
    () => () => {
      if (hoverTimer.current) clearTimeout(hoverTimer.current);
    },
    [],
  );

  // Pinned (click / Enter / Space): focus moves to the card's first link so it can be followed by keyboard.
  const pinnedIndex = open?.pinned ? open.index : -1;
  useEffect(() => {
    if (pinnedIndex < 0) return;
    const t = requestAnimationFrame(() => contentRef.current?.querySelector<HTMLElement>("a[href]")?.focus());
    return () => cancelAnimationFrame(t);
  }, [pinnedIndex]);

  const move = (i: number) => {
    const next = Math.max(0, Math.min(days.length - 1, i));
    setActive(next);
    setOpen({ index: next, pinned: false });
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

  const daysWithIncidents = days.filter((d) => incidentsByDay[d.date]?.length).length;
  const shown = open ? days[open.index] : undefined;
  const shownIncidents = shown ? (incidentsByDay[shown.date] ?? []).flatMap((id) => byId.get(id) ?? []) : [];

  return (
    <div className="space-y-1.5">
      <p className="sr-only">
        {`${uptimeBarSummary(caption, days).slice(0, -1)}; ${daysWithIncidents} with incidents. Press Enter on a day to list its incidents.`}
      </p>
      <Popover
        open={open !== null}
        onOpenChange={(o) => {
          if (!o) {
            const was = open;
            setOpen(null);
            if (was?.pinned) refs.current[was.index]?.focus();
          }
        }}
      >
        <ul className="flex h-8 items-stretch gap-[2px]" aria-label={caption} onKeyDown={onKeyDown}>
          {days.map((day, i) => {
            const n = incidentsByDay[day.date]?.length ?? 0;
            const button = (
              <button
                type="button"
                ref={(el) => {
                  refs.current[i] = el;
                }}
                tabIndex={i === current ? 0 : -1}
                aria-label={describeUptimeDay(day, n)}
                aria-haspopup="dialog"
                aria-expanded={open?.index === i && open.pinned ? true : undefined}
                data-date={day.date}
                onFocus={() => {
                  setActive(i);
                  if (!open?.pinned) setOpen({ index: i, pinned: false });
                }}
                onBlur={() => {
                  if (!open?.pinned) setOpen(null);
                }}
                onPointerEnter={() => {
                  clearTimer();
                  if (open?.pinned) return;
                  hoverTimer.current = setTimeout(() => setOpen({ index: i, pinned: false }), 120);
                }}
                onPointerLeave={() => {
                  clearTimer();
                  if (open?.pinned) return;
                  hoverTimer.current = setTimeout(() => setOpen(null), 250);
                }}
                onClick={() => {
                  clearTimer();
                  setActive(i);
                  setOpen({ index: i, pinned: true });
                }}
                className={cn(
                  "relative w-full rounded-[2px] outline-none hover:opacity-80 focus-visible:ring-2 focus-visible:ring-ring focus-visible:ring-offset-1",
                  uptimeDayClass(day),
                )}
              >
                {n ? (
                  <span
                    aria-hidden="true"
                    className="absolute inset-x-0 -bottom-1.5 mx-auto block size-1 rounded-full bg-foreground/70"
                  />
                ) : null}
              </button>
            );
            return (
              <li key={day.date} className="flex min-w-[2px] flex-1">
                {button}
              </li>
            );
          })}
        </ul>
        <PopoverAnchor virtualRef={anchor} />
        {shown ? (
          <PopoverContent
            side="top"
            aria-label={`${shown.label}: uptime and incidents`}
            ref={contentRef}
            onOpenAutoFocus={(e) => e.preventDefault()}
            onCloseAutoFocus={(e) => e.preventDefault()}
            // Moving between days is handled by the days themselves, not as "outside".
            onFocusOutside={(e) => {
              if (isDay(e.target)) e.preventDefault();
            }}
            onPointerDownOutside={(e) => {
              if (isDay(e.target)) e.preventDefault();
            }}
            onPointerEnter={clearTimer}
            onPointerLeave={() => {
              if (open?.pinned) return;
              clearTimer();
              hoverTimer.current = setTimeout(() => setOpen(null), 250);
            }}
            className="w-80"
          >
            <div className="font-medium">{shown.label}</div>
            <div className="text-muted-foreground">
              {shown.uptime === null ? "No data" : `${formatUptimePct(shown.uptime)} uptime`} ·{" "}
              {formatDowntime(shown.downtimeSeconds ?? 0)}
              {shown.maintenance ? " · mostly maintenance" : ""}
            </div>
            {shownIncidents.length ? (
              <ul className="mt-2 space-y-1 border-t border-border pt-2" aria-label="Incidents that day">
                {shownIncidents.map((inc) => (
                  <li key={inc.id}>
                    <Link
                      href={incidentHref(inc.id)}
                      className="flex items-start gap-2 rounded-sm px-1 py-0.5 hover:bg-accent focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring"
                    >
                      <Siren aria-hidden="true" className="mt-0.5 size-3.5 shrink-0 text-status-down-foreground" />
                      <span className="min-w-0">
                        <span className="block truncate font-medium">
                          #{inc.number} {inc.title}
                        </span>
                        <span className="block text-xs text-muted-foreground">
                          <ExactTime value={inc.openedAt} timeZone={timeZone} format="d MMM HH:mm" /> –{" "}
                          {inc.resolvedAt ? (
                            <ExactTime value={inc.resolvedAt} timeZone={timeZone} format="d MMM HH:mm" />
                          ) : (
                            "ongoing"
                          )}{" "}
                          · {inc.status.toLowerCase()}
                        </span>
                      </span>
                    </Link>
                  </li>
                ))}
              </ul>
            ) : (
              <p className="mt-2 border-t border-border pt-2 text-xs text-muted-foreground">No incidents that day.</p>
            )}
          </PopoverContent>
        ) : null}
      </Popover>
      <div className="flex justify-between pt-1 text-xs text-muted-foreground">
        <span>{days[0]?.label}</span>
        {overall !== undefined ? (
          <span className="font-medium text-foreground">
            {overall === null ? "No data" : `${formatUptimePct(overall)} ${overallLabel ?? "uptime"}`}
          </span>
        ) : null}
        <span>{days.at(-1)?.label}</span>
      </div>
    </div>
  );
}
