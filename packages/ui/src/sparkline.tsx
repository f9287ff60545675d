import type * as React from "react";
import { cn } from "./utils.ts";

export interface SparklinePoint {
  t: string | number | Date;
  value: number | null | undefined;
}

export interface SparklineProps extends Omit<React.ComponentProps<"svg">, "values" | "points"> {
  points: readonly SparklinePoint[];
  width?: number;
  height?: number;
  /** Accessible summary, e.g. "Latency last 24 h: 120 ms median". */
  label: string;
  stroke?: string;
}

/** A tiny inline-SVG line chart (no axes). Gaps (null values) break the line. */
export function Sparkline({
  points,
  width = 120,
  height = 28,
  label,
  stroke = "var(--chart-1)",
  className,
  ...props
}: SparklineProps) {
  const values = points.map((p) => (typeof p.value === "number" && Number.isFinite(p.value) ? p.value : null));
  const defined = values.filter((v): v is number => v !== null);
  if (defined.length === 1) {
    return (
      <svg
        role="img"
        aria-label={`${label}: ${Math.round(defined[0]!)} ms`}
        width={width}
        height={height}
        className={className}
        {...props}
      >
        <line
          x1={2}
          x2={width - 2}
          y1={height / 2}
          y2={height / 2}
          stroke={stroke}
          strokeWidth={1.5}
          strokeLinecap="round"
        />
      </svg>
    );
  }
  if (defined.length < 2) {
    return (
      <svg
        role="img"
        aria-label={`${label}: no data`}
        width={width}
        height={height}
        className={cn("text-muted-foreground", className)}
        {...props}
      >
        <line
          x1={0}
          x2={width}
          y1={height / 2}
          y2={height / 2}
          stroke="currentColor"
          strokeDasharray="3 3"
          strokeWidth={1}
          opacity={0.5}
        />
      </svg>
    );
  }
  const min = Math.min(...defined);
  const max = Math.max(...defined);
  const span = max - min || 1;
  const pad = 2;
  const step = values.length > 1 ? (width - pad * 2) / (values.length - 1) : 0;
  let d = "";
  let pen = false;
  values.forEach((v, i) => {
    if (v === null) {
      pen = false;
      return;
    }
    const x = pad + i * step;
    const y = pad + (height - pad * 2) * (1 - (v - min) / span);
    d += `${pen ? "L" : "M"}${x.toFixed(1)},${y.toFixed(1)}`;
    pen = true;
  });
  return (
    <svg
      role="img"
      aria-label={label}
      width={width}
      height={height}
      viewBox={`0 0 ${width} ${height}`}
      className={className}
      {...props}
    >
      <path d={d} fill="none" stroke={stroke} strokeWidth={1.5} strokeLinejoin="round" strokeLinecap="round" />
    </svg>
  );
}
