import { z } from "zod";

/**
 * Monitor state machine (pure). One probe outcome at a time moves a monitor's counters and, when the
 * policy says so, its state:
 *  - DOWN only after `confirmations` consecutive failures;
 *  - out of DOWN (to UP, or DEGRADED when slow) only after `recoveryThreshold` consecutive successes;
 *  - from UNKNOWN (never checked) or UP/DEGRADED a success takes effect at once (UP ⇄ DEGRADED by latency);
 *  - an UNKNOWN outcome (the probe infrastructure failed, not the target) never counts either way:
 *    counters and state stay as they are;
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

  switch (outcome.kind) {
    case "unknown":
      break;
    case "fail":
      consecutiveFailures += 1;
      consecutiveSuccesses = 0;
      if (state !== "MAINTENANCE" && consecutiveFailures >= confirmations) state = "DOWN";
      break;
    case "ok":
      consecutiveSuccesses += 1;
      consecutiveFailures = 0;
      if (state === "MAINTENANCE") break;
      if (state === "DOWN") {
        if (consecutiveSuccesses >= recoveryThreshold) state = resultState;
      } else {
        state = resultState;
      }
      break;
  }

  return {
    state,
    consecutiveFailures,
    consecutiveSuccesses,
    changed: state !== previousState,
    previousState,
    resultState,
  };
}
