"use client";
import {
  Card,
  CardContent,
  CardDescription,
  CardHeader,
  CardTitle,
  StatusBadge,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableHeader,
  TableRow,
} from "@steward/ui";
import { CircleOff } from "lucide-react";
import { RelativeTime } from "~/components/time.tsx";

type State = "UP" | "DEGRADED" | "DOWN" | "UNKNOWN" | "MAINTENANCE";

export interface RegionStateRow {
  region: string;
  state: State;
  lastCheckedAt: Date | string | null;
  lastLatencyMs: number | null;
  lastError: string | null;
}

/**
 * One row per configured region: its own state (the worker's per-region state machine), last check,
 * latency and error. A region no worker has run the monitor in yet says so ("no data yet", UNKNOWN); a
 * region without a live worker is flagged (it will stay UNKNOWN).
 */
export function RegionStatesCard({
  rows,
  quorum,
  liveRegions,
  timeZone,
}: {
  rows: readonly RegionStateRow[];
  quorum: number;
  /** Regions with a live worker now; undefined while unknown (no flag shown). */
  liveRegions?: ReadonlySet<string>;
  timeZone: string;
}) {
  const down = rows.filter((r) => r.state === "DOWN").length;
  return (
    <Card>
      <CardHeader>
        <CardTitle>Regions</CardTitle>
        <CardDescription>
          Down when {quorum} of {rows.length} region{rows.length === 1 ? "" : "s"} agree
          {rows.length > 1 ? ` · ${down} down now` : ""}.
        </CardDescription>
      </CardHeader>
      <CardContent className="px-0">
        <Table aria-label="State per region">
          <TableHeader>
            <TableRow>
              <TableHead className="pl-5">Region</TableHead>
              <TableHead>State</TableHead>
              <TableHead>Last check</TableHead>
              <TableHead className="text-right">Latency</TableHead>
              <TableHead className="pr-5">Last error</TableHead>
            </TableRow>
          </TableHeader>
          <TableBody>
            {rows.map((r) => (
              <TableRow key={r.region} data-region={r.region}>
                <TableCell className="pl-5">
                  <span className="font-mono text-xs">{r.region}</span>
                  {liveRegions && !liveRegions.has(r.region) ? (
                    <span className="ml-2 inline-flex items-center gap-1 text-xs text-muted-foreground">
                      <CircleOff aria-hidden="true" className="size-3" /> no live worker
                    </span>
                  ) : null}
                </TableCell>
                <TableCell>
                  <StatusBadge status={r.state} />
                </TableCell>
                <TableCell className="text-muted-foreground">
                  {r.lastCheckedAt ? <RelativeTime value={r.lastCheckedAt} timeZone={timeZone} /> : "no data yet"}
                </TableCell>
                <TableCell className="text-right tabular-nums">
                  {r.lastLatencyMs != null ? `${r.lastLatencyMs} ms` : "—"}
                </TableCell>
                <TableCell className="max-w-xs truncate pr-5 text-muted-foreground" title={r.lastError ?? undefined}>
                  {r.lastError ?? ""}
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </CardContent>
    </Card>
  );
}
