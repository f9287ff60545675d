"use client";
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { cn } from "./utils.ts";

export interface LatencyPoint {
  t: string | number | Date;
  p50?: number | null;
  p95?: number | null;
  avg?: number | null;
  max?: number | null;
}

export interface LatencyChartProps {
  data: readonly LatencyPoint[];
  /** IANA zone used for axis labels and the tooltip. */
  timeZone: string;
  height?: number;
  className?: string;
  /** Accessible description of the chart; a table alternative should be offered next to it. */
  label: string;
}

const SERIES = [
  { key: "p50", name: "p50", color: "var(--chart-1)" },
  { key: "p95", name: "p95", color: "var(--chart-4)" },
  { key: "avg", name: "avg", color: "var(--chart-3)" },
  { key: "max", name: "max", color: "var(--chart-2)" },
] as const;

export function LatencyChart({ data, timeZone, height = 260, className, label }: LatencyChartProps) {
  const rows = data.map((d) => ({ ...d, ts: new Date(d.t).getTime() }));
  const present = SERIES.filter((s) => rows.some((r) => typeof r[s.key] === "number"));
  const tick = new Intl.DateTimeFormat("en-GB", { timeZone, hour: "2-digit", minute: "2-digit" });
  const full = new Intl.DateTimeFormat("en-GB", { timeZone, dateStyle: "medium", timeStyle: "short" });
  return (
    <div role="img" aria-label={label} className={cn("w-full", className)} style={{ height }}>
      <ResponsiveContainer width="100%" height="100%">
        <LineChart data={rows} margin={{ top: 8, right: 12, bottom: 0, left: 0 }}>
          <CartesianGrid stroke="var(--border)" strokeDasharray="3 3" vertical={false} />
          <XAxis
            dataKey="ts"
            type="number"
            scale="time"
            domain={["dataMin", "dataMax"]}
            tickFormatter={(v: number) => tick.format(v)}
            stroke="var(--muted-foreground)"
            fontSize={12}
            tickLine={false}
            axisLine={false}
            minTickGap={40}
          />
          <YAxis
            stroke="var(--muted-foreground)"
            fontSize={12}
            tickLine={false}
            axisLine={false}
            width={56}
            tickFormatter={(v: number) => `${Math.round(v)} ms`}
          />
          <Tooltip
            contentStyle={{
              background: "var(--popover)",
              border: "1px solid var(--border)",
              borderRadius: 6,
              color: "var(--popover-foreground)",
              fontSize: 12,
            }}
            labelFormatter={(v) => full.format(Number(v))}
            formatter={(v) => (typeof v === "number" ? `${Math.round(v)} ms` : "—")}
          />
          {present.length > 1 ? <Legend wrapperStyle={{ fontSize: 12 }} /> : null}
          {present.map((s) => (
            <Line
              key={s.key}
              type="monotone"
              dataKey={s.key}
              name={s.name}
              stroke={s.color}
              strokeWidth={2}
              dot={false}
              connectNulls={false}
              isAnimationActive={false}
            />
          ))}
        </LineChart>
      </ResponsiveContainer>
    </div>
  );
}
