"use client";
import { Tooltip as T } from "radix-ui";
import type * as React from "react";
import { cn } from "./utils.ts";

export function TooltipProvider({ delayDuration = 200, ...props }: React.ComponentProps<typeof T.Provider>) {
  return <T.Provider delayDuration={delayDuration} {...props} />;
}
export const Tooltip = T.Root;
export const TooltipTrigger = T.Trigger;

export function TooltipContent({ className, sideOffset = 4, ...props }: React.ComponentProps<typeof T.Content>) {
  return (
    <T.Portal>
      <T.Content
        data-slot="tooltip-content"
        sideOffset={sideOffset}
        className={cn(
          "z-50 max-w-xs rounded-md bg-foreground px-2.5 py-1.5 text-xs text-background shadow-md",
          className,
        )}
        {...props}
      />
    </T.Portal>
  );
}
