"use client";
import { Popover as P } from "radix-ui";
import type * as React from "react";
import { cn } from "./utils.ts";

export const Popover = P.Root;
export const PopoverTrigger = P.Trigger;
export const PopoverAnchor = P.Anchor;
export const PopoverClose = P.Close;

/** Interactive floating content (links, buttons) — unlike a tooltip it can take focus. */
export function PopoverContent({
  className,
  sideOffset = 6,
  align = "center",
  ...props
}: React.ComponentProps<typeof P.Content>) {
  return (
    <P.Portal>
      <P.Content
        data-slot="popover-content"
        sideOffset={sideOffset}
        align={align}
        className={cn(
          "z-50 w-72 rounded-md border border-border bg-popover p-3 text-sm text-popover-foreground shadow-md outline-none",
          className,
        )}
        {...props}
      />
    </P.Portal>
  );
}
