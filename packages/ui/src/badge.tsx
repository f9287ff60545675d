import { cva, type VariantProps } from "class-variance-authority";
import type * as React from "react";
import { cn } from "./utils.ts";

export const badgeVariants = cva(
  "inline-flex items-center gap-1 whitespace-nowrap rounded-md border px-2 py-0.5 text-xs font-medium [&_svg]:size-3.5 [&_svg]:shrink-0",
  {
    variants: {
      variant: {
        default: "border-transparent bg-primary text-primary-foreground",
        secondary: "border-transparent bg-secondary text-secondary-foreground",
        outline: "border-border text-foreground",
        destructive: "border-transparent bg-destructive text-destructive-foreground",
        up: "border-status-up/30 bg-status-up/10 text-status-up-foreground",
        degraded: "border-status-degraded/30 bg-status-degraded/10 text-status-degraded-foreground",
        down: "border-status-down/30 bg-status-down/10 text-status-down-foreground",
        unknown: "border-status-unknown/30 bg-status-unknown/10 text-status-unknown-foreground",
        maintenance: "border-status-maintenance/30 bg-status-maintenance/10 text-status-maintenance-foreground",
      },
    },
    defaultVariants: { variant: "default" },
  },
);

export interface BadgeProps extends React.ComponentProps<"span">, VariantProps<typeof badgeVariants> {}

export function Badge({ className, variant, ...props }: BadgeProps) {
  return <span data-slot="badge" className={cn(badgeVariants({ variant }), className)} {...props} />;
}
