"use client";
import {
  Button,
  DropdownMenu,
  DropdownMenuCheckboxItem,
  DropdownMenuContent,
  DropdownMenuItem,
  DropdownMenuLabel,
  DropdownMenuSeparator,
  DropdownMenuTrigger,
} from "@steward/ui";
import { Columns3, RotateCcw } from "lucide-react";
import { useCallback, useMemo, useSyncExternalStore } from "react";

/** The monitor list's optional columns (Monitor and Status are always shown). */
export const MONITOR_COLUMNS = [
  { id: "kind", label: "Kind", default: true },
  { id: "asset", label: "Asset", default: true },
  { id: "tags", label: "Tags", default: true },
  { id: "regions", label: "Regions", default: false },
  { id: "interval", label: "Interval", default: false },
  { id: "lastChecked", label: "Last checked", default: true },
  { id: "latency", label: "Latency", default: true },
] as const;
export type MonitorColumn = (typeof MONITOR_COLUMNS)[number]["id"];

const CHANGED = "steward:monitor-columns";
const keyFor = (userId: string) => `steward.monitorList.columns.v1.${userId}`;

function read(key: string): string | null {
  try {
    return window.localStorage.getItem(key);
  } catch {
    return null; // storage disabled: defaults
  }
}

function subscribe(onChange: () => void): () => void {
  window.addEventListener("storage", onChange);
  window.addEventListener(CHANGED, onChange);
  return () => {
    window.removeEventListener("storage", onChange);
    window.removeEventListener(CHANGED, onChange);
  };
}

/**
 * Which optional columns the user shows, kept per user in localStorage (so two people sharing a browser
 * keep their own) and in sync across tabs. The server render and first paint use the defaults.
 */
export function useMonitorColumns(userId: string): {
  visible: Record<MonitorColumn, boolean>;
  set: (column: MonitorColumn, on: boolean) => void;
  reset: () => void;
} {
  const key = keyFor(userId);
  const raw = useSyncExternalStore(
    subscribe,
    () => read(key),
    () => null,
  );
  const visible = useMemo(() => {
    let saved: Record<string, unknown> = {};
    try {
      saved = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
    } catch {
      saved = {};
    }
    return Object.fromEntries(
      MONITOR_COLUMNS.map((c) => [c.id, typeof saved[c.id] === "boolean" ? saved[c.id] : c.default]),
    ) as Record<MonitorColumn, boolean>;
  }, [raw]);
  const write = useCallback(
    (next: Record<string, boolean> | null) => {
      try {
        if (next) window.localStorage.setItem(key, JSON.stringify(next));
        else window.localStorage.removeItem(key);
      } catch {
        // storage full or disabled: the choice lasts until reload
      }
      window.dispatchEvent(new Event(CHANGED));
    },
    [key],
  );
  return {
    visible,
    set: (column, on) => write({ ...visible, [column]: on }),
    reset: () => write(null),
  };
}

/** The "Columns" menu: one checkbox item per optional column, and a reset. Stays open while toggling. */
export function MonitorColumnsMenu({ visible, set, reset }: ReturnType<typeof useMonitorColumns>) {
  const custom = MONITOR_COLUMNS.some((c) => visible[c.id] !== c.default);
  return (
    // Non-modal: the page stays in the accessibility tree while the menu is open (only a list of toggles).
    <DropdownMenu modal={false}>
      <DropdownMenuTrigger asChild>
        <Button variant="outline" size="sm">
          <Columns3 aria-hidden="true" /> Columns
          {custom ? (
            <span className="size-1.5 rounded-full bg-primary" title="Changed from the default">
              <span className="sr-only">(changed)</span>
            </span>
          ) : null}
        </Button>
      </DropdownMenuTrigger>
      <DropdownMenuContent align="end">
        <DropdownMenuLabel>Show columns</DropdownMenuLabel>
        {MONITOR_COLUMNS.map((c) => (
          <DropdownMenuCheckboxItem
            key={c.id}
            checked={visible[c.id]}
            onCheckedChange={(on) => set(c.id, on === true)}
            onSelect={(e) => e.preventDefault()}
          >
            {c.label}
          </DropdownMenuCheckboxItem>
        ))}
        <DropdownMenuSeparator />
        <DropdownMenuItem onSelect={reset}>
          <RotateCcw aria-hidden="true" /> Reset to default
        </DropdownMenuItem>
      </DropdownMenuContent>
    </DropdownMenu>
  );
}
