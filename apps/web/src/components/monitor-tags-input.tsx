"use client";
import { cn } from "@steward/ui";
import { X } from "lucide-react";
import { useId, useState } from "react";

/** The server's tag rule (services/monitor/monitor-fields.ts MonitorTags), for instant feedback. */
const TAG_PATTERN = /^[\p{L}\p{N}][\p{L}\p{N} ._:/-]*$/u;
const MAX_TAGS = 20;

/**
 * Tags as removable chips: type and press Enter or comma to add (suggestions from the tenant's tags),
 * Backspace in the empty box removes the last one. Each chip's × is a button.
 */
export function TagsInput({
  id,
  value,
  onChange,
  suggestions = [],
  error,
  onBlur,
}: {
  id: string;
  value: readonly string[];
  onChange: (tags: string[]) => void;
  suggestions?: readonly string[];
  error?: string;
  onBlur?: () => void;
}) {
  const listId = useId();
  const [draft, setDraft] = useState("");
  const [draftError, setDraftError] = useState<string | null>(null);
  /** Adds the comma-separated tags in `raw` (a paste may hold several); false when one is invalid. */
  const add = (raw: string) => {
    const next = [...value];
    for (const part of raw.split(",")) {
      const t = part.trim();
      if (!t || next.includes(t)) continue;
      if (t.length > 60 || !TAG_PATTERN.test(t)) {
        setDraftError(
          `“${t}”: tags start with a letter or digit and use letters, digits, space . _ : / - (at most 60)`,
        );
        return false;
      }
      if (next.length >= MAX_TAGS) {
        setDraftError(`At most ${MAX_TAGS} tags`);
        return false;
      }
      next.push(t);
    }
    if (next.length !== value.length) onChange(next);
    return true;
  };
  const shownError = draftError ?? error;
  return (
    <div className="space-y-1.5">
      <div
        className={cn(
          "flex min-h-9 w-full flex-wrap items-center gap-1.5 rounded-md border border-input bg-background px-2 py-1 text-sm shadow-sm focus-within:ring-2 focus-within:ring-ring",
          shownError && "border-destructive",
        )}
      >
        {value.map((t) => (
          <span
            key={t}
            className="inline-flex items-center gap-1 rounded-md bg-secondary py-0.5 pl-2 pr-1 text-xs text-secondary-foreground"
          >
            {t}
            <button
              type="button"
              aria-label={`Remove tag ${t}`}
              className="rounded-sm p-0.5 hover:bg-background/60 focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring"
              onClick={() => onChange(value.filter((x) => x !== t))}
            >
              <X aria-hidden="true" className="size-3" />
            </button>
          </span>
        ))}
        <input
          id={id}
          list={listId}
          value={draft}
          placeholder={value.length ? "" : "e.g. edge, eu, payments"}
          className="min-w-32 flex-1 bg-transparent py-1 outline-none placeholder:text-muted-foreground [&::-webkit-calendar-picker-indicator]:hidden"
          aria-invalid={shownError ? true : undefined}
          aria-describedby={`${id}-help${shownError ? ` ${id}-error` : ""}`}
          onChange={(e) => {
            const v = e.target.value;
            setDraftError(null);
            if (v.includes(",")) {
              // Typed or pasted commas: everything before the last one becomes tags.
              const cut = v.lastIndexOf(",");
              if (add(v.slice(0, cut))) setDraft(v.slice(cut + 1).trimStart());
              else setDraft(v);
            } else setDraft(v);
          }}
          onKeyDown={(e) => {
            if (e.key === "Enter" && draft.trim()) {
              // Enter adds the tag being typed (an empty box lets Enter submit the form).
              e.preventDefault();
              if (add(draft)) setDraft("");
            } else if (e.key === "Backspace" && !draft && value.length) {
              onChange(value.slice(0, -1));
            }
          }}
          onBlur={() => {
            if (draft.trim() && add(draft)) setDraft("");
            onBlur?.();
          }}
        />
      </div>
      <datalist id={listId}>
        {suggestions
          .filter((s) => !value.includes(s))
          .map((s) => (
            <option key={s} value={s} />
          ))}
      </datalist>
      <p id={`${id}-help`} className="text-xs text-muted-foreground">
        Enter or comma adds a tag; filter the monitor list by them.
      </p>
      {shownError ? (
        <p id={`${id}-error`} className="text-xs font-medium text-status-down-foreground">
          {shownError}
        </p>
      ) : null}
    </div>
  );
}
