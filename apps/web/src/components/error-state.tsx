"use client";
import { Button } from "@steward/ui";
import { RefreshCw, TriangleExclamationPoint } from "lucide-react";

/** An error panel with a retry button, for route error boundaries and failed widgets. */
export function ErrorState({
  title = "Something went wrong",
  message,
  onRetry,
  digest,
}: {
  title?: string;
  message?: string;
  onRetry?: () => void;
  digest?: string;
}) {
  return (
    <div
      role="alert"
      className="flex flex-col items-center justify-center gap-3 rounded-lg border border-border bg-card p-10 text-center"
    >
      <div className="flex size-11 items-center justify-center rounded-full bg-destructive/10">
        <TriangleExclamationPoint aria-hidden="true" className="size-5 text-status-down-foreground" />
      </div>
      <div className="space-y-1">
        <p className="font-medium">{title}</p>
        <p className="max-w-md text-sm text-muted-foreground">
          {message ?? "The page could not be loaded. This is usually temporary."}
        </p>
        {digest ? <p className="text-xs text-muted-foreground">Reference: {digest}</p> : null}
      </div>
      {onRetry ? (
        <Button variant="outline" onClick={onRetry}>
          <RefreshCw aria-hidden="true" /> Try again
        </Button>
      ) : null}
    </div>
  );
}
