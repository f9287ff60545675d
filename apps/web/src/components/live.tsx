"use client";
import { cn } from "@steward/ui";
import { useQueryClient } from "@tanstack/react-query";
import { useSubscription } from "@trpc/tanstack-react-query";
import { createContext, useContext, useEffect, useRef, useState } from "react";
import { onUnauthorized, useTRPC } from "~/trpc/react.tsx";

/** "live": server-sent events connected; "polling": fallback (no stream on this page, or it failed). */
export type LiveMode = "live" | "connecting" | "polling";

const Ctx = createContext<{ mode: LiveMode; setMode: (m: LiveMode) => void } | null>(null);

export function LiveProvider({ children }: { children: React.ReactNode }) {
  const [mode, setMode] = useState<LiveMode>("polling");
  return <Ctx.Provider value={{ mode, setMode }}>{children}</Ctx.Provider>;
}

/** Polling period while the live stream is not connected. */
export const FALLBACK_POLL_MS = 10_000;
/** A slow safety poll while live (latency and last-checked change without a state change). */
export const LIVE_POLL_MS = 30_000;

/**
 * Subscribe to the tenant's monitor changes (tRPC subscription over SSE). On a change, refetch the
 * monitor queries (list, overview, detail). Returns the refetch interval the page's queries should use:
 * slow while live, 10 s when the stream is down (the fallback).
 */
export function useMonitorLive(tenantId: string): { mode: LiveMode; refetchInterval: number } {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const ctx = useContext(Ctx);
  const first = useRef(true);
  const sub = useSubscription(
    trpc.monitor.changes.subscriptionOptions(
      { tenantId },
      {
        onData: () => {
          // The first event only says the stream is up; later ones mean something changed.
          if (first.current) {
            first.current = false;
            return;
          }
          void qc.invalidateQueries({ queryKey: trpc.monitor.pathKey() });
          void qc.invalidateQueries({ queryKey: trpc.tenant.overview.queryKey() });
        },
        onError: (error) => {
          first.current = true;
          // The server ends the stream when the session was revoked or expired (re-checked every 30 s):
          // go to the login page rather than falling back to polling with a dead session.
          onUnauthorized(error);
        },
      },
    ),
  );
  const mode: LiveMode = sub.status === "pending" ? "live" : sub.status === "connecting" ? "connecting" : "polling";
  const setMode = ctx?.setMode;
  useEffect(() => {
    setMode?.(mode);
  }, [mode, setMode]);
  useEffect(() => () => setMode?.("polling"), [setMode]);
  return { mode, refetchInterval: mode === "live" ? LIVE_POLL_MS : FALLBACK_POLL_MS };
}

/** The header's indicator: a pulsing dot and "Live", or "Polling" (icon-free text, never colour alone). */
export function LiveIndicator() {
  const mode = useContext(Ctx)?.mode ?? "polling";
  const live = mode === "live";
  return (
    <span
      data-testid="live-indicator"
      data-mode={mode}
      className="hidden items-center gap-1.5 text-xs text-muted-foreground sm:flex"
      title={
        live
          ? "Connected: monitor changes appear as they happen"
          : `Not streaming: data refreshes every ${FALLBACK_POLL_MS / 1000} seconds`
      }
    >
      <span aria-hidden="true" className="relative flex size-2">
        {live ? (
          <span className="absolute inline-flex size-full animate-ping rounded-full bg-status-up opacity-60 motion-reduce:hidden" />
        ) : null}
        <span
          className={cn(
            "relative inline-flex size-2 rounded-full",
            live ? "bg-status-up" : mode === "connecting" ? "bg-status-degraded" : "bg-status-unknown",
          )}
        />
      </span>
      {live ? "Live" : mode === "connecting" ? "Connecting…" : "Polling"}
    </span>
  );
}
