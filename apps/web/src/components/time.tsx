"use client";
import { Tooltip, TooltipContent, TooltipTrigger } from "@steward/ui";
import { formatDistanceToNowStrict } from "date-fns";
import { useEffect, useState } from "react";
import { formatDuration, formatInZone, zoneAbbr } from "~/lib/time.ts";
import { useDisplayZone } from "./time-zone-pref.tsx";

/** A relative time ("3 min ago") with the exact time in the given zone on hover/focus. */
export function RelativeTime({
  value,
  timeZone,
  className,
}: {
  value: Date | string;
  timeZone: string;
  className?: string;
}) {
  const date = typeof value === "string" ? new Date(value) : value;
  const [, setTick] = useState(0);
  useEffect(() => {
    const id = setInterval(() => setTick((n) => n + 1), 30_000);
    return () => clearInterval(id);
  }, []);
  const exact = `${formatInZone(date, timeZone, "d MMM yyyy, HH:mm:ss")} ${zoneAbbr(date, timeZone)}`;
  return (
    <Tooltip>
      <TooltipTrigger asChild>
        <time
          dateTime={date.toISOString()}
          title={exact}
          className={
            className ??
            "cursor-default whitespace-nowrap underline decoration-dotted decoration-muted-foreground/50 underline-offset-4"
          }
          suppressHydrationWarning
        >
          {formatDistanceToNowStrict(date, { addSuffix: true })}
        </time>
      </TooltipTrigger>
      <TooltipContent>{exact}</TooltipContent>
    </Tooltip>
  );
}

/** An exact time in the zone, with the zone shown. */
export function ExactTime({
  value,
  timeZone: tenantZone,
  format = "d MMM yyyy, HH:mm",
}: {
  value: Date | string;
  timeZone: string;
  format?: string;
}) {
  const timeZone = useDisplayZone(tenantZone);
  const date = typeof value === "string" ? new Date(value) : value;
  return (
    <time dateTime={date.toISOString()} className="whitespace-nowrap">
      {formatInZone(date, timeZone, format)} <span className="text-muted-foreground">{zoneAbbr(date, timeZone)}</span>
    </time>
  );
}

/** Elapsed time from `from` to `to` (or now, ticking). Server and client may differ by seconds. */
export function Duration({ from, to }: { from: Date | string; to?: Date | string | null }) {
  const [, setTick] = useState(0);
  useEffect(() => {
    if (to) return;
    const id = setInterval(() => setTick((n) => n + 1), 15_000);
    return () => clearInterval(id);
  }, [to]);
  const end = to ? new Date(to).getTime() : Date.now();
  return <span suppressHydrationWarning>{formatDuration(end - new Date(from).getTime())}</span>;
}
