"use client";
import { Button, cn, Input } from "@steward/ui";
import { CircleDot, CircleOff, Plus } from "lucide-react";
import { useId, useState } from "react";

/** The server's rule (services/monitor/monitor-fields.ts MonitorRegion), repeated for instant feedback. */
export const REGION_PATTERN = /^[a-z0-9][a-z0-9-]{0,31}$/;
export const MAX_REGIONS = 16;

export interface RegionChoice {
  region: string;
  /** A worker of the region is live (heartbeat within 30 s). */
  live: boolean;
  workers: number;
}

/**
 * Multi-select of probe regions: one checkbox per known region (the fleet's, the tenant's, "local", and
 * whatever the monitor has), each saying whether a worker is live there, plus free entry of a new name.
 */
export function RegionPicker({
  value,
  onChange,
  choices,
  error,
  onBlur,
}: {
  value: readonly string[];
  onChange: (regions: string[]) => void;
  choices: readonly RegionChoice[];
  error?: string;
  onBlur?: () => void;
}) {
  const id = useId();
  const [draft, setDraft] = useState("");
  const [draftError, setDraftError] = useState<string | null>(null);
  const known = new Map(choices.map((c) => [c.region, c]));
  const all = [...choices.map((c) => c.region), ...value.filter((r) => !known.has(r))];

  const add = () => {
    const r = draft.trim().toLowerCase();
    if (!r) return;
    if (!REGION_PATTERN.test(r)) {
      setDraftError("1–32 lowercase letters, digits or dashes, starting with a letter or digit");
      return;
    }
    if (value.includes(r)) {
      setDraftError(`${r} is already selected`);
      return;
    }
    if (value.length >= MAX_REGIONS) {
      setDraftError(`At most ${MAX_REGIONS} regions`);
      return;
    }
    setDraftError(null);
    setDraft("");
    onChange([...value, r]);
  };

  return (
    <fieldset
      className="space-y-2"
      aria-describedby={[`${id}-help`, error ? `${id}-error` : null].filter(Boolean).join(" ")}
      aria-invalid={error ? true : undefined}
    >
      <legend className="text-sm font-medium leading-none">Regions</legend>
      <p id={`${id}-help`} className="text-xs text-muted-foreground">
        Where the check runs from: each region’s workers probe the monitor once per interval.
      </p>
      <ul className="flex flex-wrap gap-2">
        {all.map((r) => {
          const c = known.get(r);
          const on = value.includes(r);
          return (
            <li key={r}>
              <label
                className={cn(
                  "flex cursor-pointer items-center gap-2 rounded-md border px-2.5 py-1.5 text-sm transition-colors focus-within:ring-2 focus-within:ring-ring",
                  on ? "border-primary bg-primary/5" : "border-input hover:bg-accent",
                )}
              >
                <input
                  type="checkbox"
                  className="size-4 accent-primary"
                  checked={on}
                  onBlur={onBlur}
                  onChange={() => onChange(on ? value.filter((x) => x !== r) : [...value, r])}
                />
                <span className="font-mono text-xs">{r}</span>
                {c?.live ? (
                  <span className="inline-flex items-center gap-1 text-xs text-status-up-foreground">
                    <CircleDot aria-hidden="true" className="size-3" /> live
                  </span>
                ) : (
                  <span className="inline-flex items-center gap-1 text-xs text-muted-foreground">
                    <CircleOff aria-hidden="true" className="size-3" /> no live worker
                  </span>
                )}
              </label>
            </li>
          );
        })}
      </ul>
      <div className="flex max-w-sm gap-2">
        <Input
          aria-label="Add a region"
          placeholder="Add a region, e.g. eu-west"
          value={draft}
          spellCheck={false}
          autoCapitalize="none"
          aria-invalid={draftError ? true : undefined}
          aria-describedby={draftError ? `${id}-draft-error` : undefined}
          onChange={(e) => {
            setDraft(e.target.value);
            setDraftError(null);
          }}
          onKeyDown={(e) => {
            if (e.key === "Enter") {
              e.preventDefault();
              add();
            }
          }}
        />
        <Button type="button" variant="outline" onClick={add} disabled={!draft.trim()}>
          <Plus aria-hidden="true" /> Add
        </Button>
      </div>
      {draftError ? (
        <p id={`${id}-draft-error`} className="text-xs font-medium text-status-down-foreground">
          {draftError}
        </p>
      ) : null}
      {error ? (
        <p id={`${id}-error`} className="text-xs font-medium text-status-down-foreground">
          {error}
        </p>
      ) : null}
    </fieldset>
  );
}
