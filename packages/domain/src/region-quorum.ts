import type { MonitorState } from "./monitor-state.ts";

/**
 * A monitor probed from M regions: each region runs its own state machine (monitor-state.ts), and the
 * monitor's state is decided from the regions' states with a quorum N (1 ≤ N ≤ M):
 *  - DOWN when at least N regions are DOWN;
 *  - not DOWN when so many regions are up (UP/DEGRADED) that even if every other region were DOWN fewer
 *    than N would be: then DEGRADED when any region is DEGRADED or DOWN (a partial outage), else UP;
 *  - otherwise UNKNOWN: the regions that report cannot decide (for example 1 UP and 2 silent regions with
 *    N = 2) — its own state, never silently up or down.
 * A region without data (no row yet, silent worker, probe infrastructure failing) counts as UNKNOWN, as
 * does MAINTENANCE (maintenance is a monitor-level state, set by windows, not by regions).
 */
export interface QuorumVerdict {
  state: Exclude<MonitorState, "MAINTENANCE">;
  down: number;
  up: number;
  unknown: number;
  quorum: number;
}

export function regionQuorumState(regionStates: readonly MonitorState[], quorum: number): QuorumVerdict {
  const m = regionStates.length;
  const q = Math.min(Math.max(1, Math.floor(quorum)), Math.max(1, m));
  let down = 0;
  let up = 0;
  let degraded = 0;
  for (const s of regionStates) {
    if (s === "DOWN") down++;
    else if (s === "UP") up++;
    else if (s === "DEGRADED") {
      up++;
      degraded++;
    }
  }
  const unknown = m - down - up;
  let state: QuorumVerdict["state"];
  if (m === 0) state = "UNKNOWN";
  else if (down >= q) state = "DOWN";
  else if (up > m - q) state = degraded > 0 || down > 0 ? "DEGRADED" : "UP";
  else state = "UNKNOWN";
  return { state, down, up, unknown, quorum: q };
}
