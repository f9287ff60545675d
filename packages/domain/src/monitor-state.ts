import { z } from "zod";

/**
 * Monitor state machine (pure). One probe outcome at a time moves a monitor's counters and, when the
 * policy says so, its state:
 *  - DOWN only after `confirmations` consecutive failures;
 *  - out of DOWN (to UP, or DEGRADED when slow) only after `recoveryThreshold` consecutive successes;
 *  - from UNKNOWN (never checked) or UP/DEGRADED a success takes effect at once (UP ⇄ DEGRADED by latency);
 *  - an UNKNOWN outcome (the probe infrastructure failed, not the target) never counts for or against the
 *    target: failure/success counters stay; but `confirmations` UNKNOWN outcomes in a row make the state
 *    UNKNOWN — its own state, never silently up or down. Leaving UNKNOWN needs the same evidence as
 *    anywhere else: DOWN after `confirmations` failures; and if the monitor was DOWN (or had a confirmed
 *    failure streak) when it became UNKNOWN, up again only after `recoveryThreshold` successes;
 *  - MAINTENANCE is sticky here: counters move, the state is set by maintenance windows, not by probes.
 */
export const MonitorState = z.enum(["UP", "DEGRADED", "DOWN", "UNKNOWN", "MAINTENANCE"]);
export type MonitorState = z.infer<typeof MonitorState>;

export interface MonitorPolicy {
  /** Consecutive failures before DOWN (values < 1 behave as 1). */
  confirmations: number;
  /** Consecutive successes before a DOWN monitor is up again (values < 1 behave as 1). */
  recoveryThreshold: number;
  /** A successful probe slower than this counts as DEGRADED; null = never degraded. */
  degradedThresholdMs: number | null;
}

export interface MonitorCounters {
  state: MonitorState;
  consecutiveFailures: number;
  consecutiveSuccesses: number;
  /** UNKNOWN outcomes in a row (absent = 0). */
  consecutiveUnknowns?: number;
}

export type ProbeOutcome =
  | { kind: "ok"; latencyMs: number }
  | { kind: "fail"; latencyMs?: number | null }
  | { kind: "unknown" };

export interface MonitorTransition extends MonitorCounters {
  /** True when `state` differs from the previous state. */
  changed: boolean;
  previousState: MonitorState;
  /** The state this single result stands for (stored on the raw probe result row). */
  resultState: MonitorState;
}

/** The state one probe result stands for, independent of history. */
export function resultStateOf(policy: Pick<MonitorPolicy, "degradedThresholdMs">, outcome: ProbeOutcome): MonitorState {
  switch (outcome.kind) {
    case "ok":
      return policy.degradedThresholdMs != null && outcome.latencyMs > policy.degradedThresholdMs ? "DEGRADED" : "UP";
    case "fail":
      return "DOWN";
    case "unknown":
      return "UNKNOWN";
  }
}

export function nextMonitorState(
  policy: MonitorPolicy,
  current: MonitorCounters,
  outcome: ProbeOutcome,
): MonitorTransition {
  const confirmations = Math.max(1, Math.floor(policy.confirmations));
  const recoveryThreshold = Math.max(1, Math.floor(policy.recoveryThreshold));
  const previousState = current.state;
  const resultState = resultStateOf(policy, outcome);

  let { state, consecutiveFailures, consecutiveSuccesses } = current;
  let consecutiveUnknowns = current.consecutiveUnknowns ?? 0;
  // In UNKNOWN, a standing confirmed failure streak means "was down": recovery rules apply.
  const downish = state === "DOWN" || (state === "UNKNOWN" && consecutiveFailures >= confirmations);

  switch (outcome.kind) {
    case "unknown":
      consecutiveUnknowns += 1;
      if (state !== "MAINTENANCE" && state !== "UNKNOWN" && consecutiveUnknowns >= confirmations) {
        // Remember a DOWN monitor's outstanding failure streak so leaving UNKNOWN needs a real recovery.
        if (state === "DOWN") consecutiveFailures = Math.max(consecutiveFailures, confirmations);
        state = "UNKNOWN";
      }
      break;
    case "fail":
      consecutiveUnknowns = 0;
      consecutiveFailures += 1;
      consecutiveSuccesses = 0;
      if (state !== "MAINTENANCE" && consecutiveFailures >= confirmations) state = "DOWN";
      break;
    case "ok":
      consecutiveUnknowns = 0;
      consecutiveSuccesses += 1;
      if (state === "MAINTENANCE") {
        consecutiveFailures = 0;
        break;
      }
      if (downish) {
        if (consecutiveSuccesses >= recoveryThreshold) {
          state = resultState;
          consecutiveFailures = 0;
        } else if (state === "DOWN") {
          consecutiveFailures = 0;
        }
        // UNKNOWN and not yet recovered: keep the failure streak as the "was down" mark.
      } else {
        consecutiveFailures = 0;
        state = resultState;
      }
      break;
  }

  return {
    state,
    consecutiveFailures,
    consecutiveSuccesses,
    consecutiveUnknowns,
    changed: state !== previousState,
    previousState,
    resultState,
  };
}

/**
 * The no-data watchdog's verdict for a region whose probes stopped arriving (no worker in the region,
 * workers stuck): UNKNOWN at once — silence is not evidence about the target either way. A DOWN region
 * keeps its failure streak so that leaving UNKNOWN needs a real recovery (as in nextMonitorState).
 */
export function silentMonitorState(
  policy: Pick<MonitorPolicy, "confirmations">,
  current: MonitorCounters,
): MonitorTransition {
  const confirmations = Math.max(1, Math.floor(policy.confirmations));
  const previousState = current.state;
  const state = previousState === "MAINTENANCE" ? previousState : "UNKNOWN";
  return {
    state,
    consecutiveFailures:
      previousState === "DOWN" ? Math.max(current.consecutiveFailures, confirmations) : current.consecutiveFailures,
    consecutiveSuccesses: current.consecutiveSuccesses,
    consecutiveUnknowns: Math.max(current.consecutiveUnknowns ?? 0, confirmations),
    changed: state !== previousState,
    previousState,
    resultState: "UNKNOWN",
  };
}
