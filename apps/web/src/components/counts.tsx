import { StatusBadge } from "@steward/ui";

export type StateCounts = Partial<Record<"UP" | "DEGRADED" | "DOWN" | "UNKNOWN" | "MAINTENANCE", number>>;

/** Status counts as badges (icon + text + number). Zero counts for problem states are still shown. */
export function CountBadges({ counts, compact = false }: { counts: StateCounts; compact?: boolean }) {
  const order = ["DOWN", "DEGRADED", "UP", "UNKNOWN", "MAINTENANCE"] as const;
  return (
    <div className="flex flex-wrap gap-1.5">
      {order.map((s) => {
        const n = counts[s] ?? 0;
        if (n === 0 && (s === "MAINTENANCE" || s === "UNKNOWN" || (compact && s !== "UP"))) return null;
        return <StatusBadge key={s} status={s} label={`${n} ${s === "UP" ? "up" : s.toLowerCase()}`} />;
      })}
    </div>
  );
}
