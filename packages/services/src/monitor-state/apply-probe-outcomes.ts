import {
  type MonitorCounters,
  type MonitorState,
  type MonitorTransition,
  nextMonitorState,
  regionQuorumState,
  silentMonitorState,
} from "@steward/domain";
import { openIncidentForMonitor } from "../incident/open-incident-for-monitor.ts";
import { resolveIncidentForMonitor } from "../incident/resolve-incident-for-monitor.ts";
import { DEFAULT_REGION, outcomeOf, type ProbeResultRow } from "../probe/probe-result-row.ts";
import type { SqlClient } from "../probe/sql.ts";

export interface StateChange {
  monitorId: string;
  tenantId: string;
  from: MonitorState;
  to: MonitorState;
  at: Date;
}

export interface ApplySummary {
  evaluated: number;
  /** Results older than their region's last check (out-of-order delivery), or from a region the monitor
   * no longer uses: stored, not evaluated. */
  skippedStale: number;
  changes: StateChange[];
  incidentsOpened: number;
  incidentsReopened: number;
  incidentsResolved: number;
}

/**
 * What moves a monitor's state: a stored probe result of one region, or the no-data watchdog's verdict
 * that a region has been silent past its deadline (markSilentRegionsUnknown).
 */
export type MonitorEvent =
  | { kind: "result"; row: ProbeResultRow }
  | { kind: "silent"; monitorId: string; region: string; at: Date; error: string };

interface LockedMonitor {
  id: string;
  tenant_id: string;
  name: string;
  state: MonitorState;
  confirmations: number;
  recovery_threshold: number;
  degraded_threshold_ms: number | null;
  regions: string[];
  region_quorum: number;
  criticality: "LOW" | "MEDIUM" | "HIGH" | "CRITICAL" | null;
  open_since: Date | null;
}

interface RegionRow extends Required<MonitorCounters> {
  lastCheckedAt: Date | null;
  lastLatencyMs: number | null;
  lastError: string | null;
  dirty: boolean;
}

const PRIORITY_BY_CRITICALITY = { CRITICAL: "P1", HIGH: "P2", MEDIUM: "P3", LOW: "P4" } as const;

export const emptyApplySummary = (): ApplySummary => ({
  evaluated: 0,
  skippedStale: 0,
  changes: [],
  incidentsOpened: 0,
  incidentsReopened: 0,
  incidentsResolved: 0,
});

/**
 * Evaluate newly stored probe results (recordProbeResults' return value). See applyMonitorEvents.
 */
export async function applyProbeOutcomes(db: SqlClient, results: readonly ProbeResultRow[]): Promise<ApplySummary> {
  return applyMonitorEvents(
    db,
    results.map((row) => ({ kind: "result", row })),
  );
}

/**
 * Apply monitor events in time order and persist the consequences. Each event moves ONE region's state
 * machine (monitor_region_states: domain nextMonitorState with the monitor's confirmations / recovery
 * threshold / degraded threshold; silentMonitorState for the watchdog); the monitor's own state is then
 * the N-of-M quorum verdict over its regions (domain regionQuorumState; MAINTENANCE stays sticky):
 *  - the monitor's state, counters (of the region just evaluated), lastCheckedAt / lastLatencyMs /
 *    lastError: one UPDATE ... FROM UNNEST for the whole flush; the regions' rows: one upsert;
 *  - on a monitor state change: close the open state interval at the change time and open the next one;
 *    a monitor's first event opens its first interval;
 *  - entering DOWN → openIncidentForMonitor; becoming UP/DEGRADED → resolveIncidentForMonitor (from DOWN,
 *    or from UNKNOWN — an incident stays open while the monitor is UNKNOWN).
 *
 * Must run inside the caller's transaction. All monitor rows of the batch are locked up front with
 * SELECT ... FOR UPDATE in id order, so concurrent flushes (other workers, the watchdog) serialise per
 * monitor — and so per region row — and cannot deadlock; per-tenant incident-number locks are then taken
 * in tenant order. Client: the system pool (steward_system, BYPASSRLS) — a flush spans tenants and this is
 * the ingest hot path. Every statement is keyed by the monitor id it locked, and each monitor's tenant_id
 * comes from its own row.
 */
export async function applyMonitorEvents(db: SqlClient, events: readonly MonitorEvent[]): Promise<ApplySummary> {
  const summary = emptyApplySummary();
  if (events.length === 0) return summary;

  const byMonitor = new Map<string, MonitorEvent[]>();
  for (const e of events) {
    const id = e.kind === "result" ? e.row.monitorId : e.monitorId;
    const list = byMonitor.get(id);
    if (list) list.push(e);
    else byMonitor.set(id, [e]);
  }
  const ids = [...byMonitor.keys()].sort();

  const { rows: monitors } = await db.query<LockedMonitor>(
    `SELECT m.id, m.tenant_id, m.name, m.state, m.confirmations, m.recovery_threshold, m.degraded_threshold_ms,
            m.regions, m.region_quorum, a.criticality, si.started_at AS open_since
       FROM monitors m
       LEFT JOIN assets a ON a.id = m.asset_id
       LEFT JOIN state_intervals si ON si.monitor_id = m.id AND si.ended_at IS NULL
      WHERE m.id = ANY($1::uuid[])
      ORDER BY m.id
        FOR UPDATE OF m`,
    [ids],
  );
  const { rows: regionRows } = await db.query<{
    monitor_id: string;
    region: string;
    state: MonitorState;
    consecutive_failures: number;
    consecutive_successes: number;
    consecutive_unknowns: number;
    last_checked_at: Date | null;
    last_latency_ms: number | null;
    last_error: string | null;
  }>(
    `SELECT monitor_id, region, state, consecutive_failures, consecutive_successes, consecutive_unknowns,
            last_checked_at, last_latency_ms, last_error
       FROM monitor_region_states WHERE monitor_id = ANY($1::uuid[])`,
    [ids],
  );
  const regionsOf = new Map<string, Map<string, RegionRow>>();
  for (const r of regionRows) {
    let m = regionsOf.get(r.monitor_id);
    if (!m) {
      m = new Map();
      regionsOf.set(r.monitor_id, m);
    }
    m.set(r.region, {
      state: r.state,
      consecutiveFailures: r.consecutive_failures,
      consecutiveSuccesses: r.consecutive_successes,
      consecutiveUnknowns: r.consecutive_unknowns,
      lastCheckedAt: r.last_checked_at,
      lastLatencyMs: r.last_latency_ms,
      lastError: r.last_error,
      dirty: false,
    });
  }

  const updates: {
    id: string;
    state: MonitorState;
    stateSince: Date | null;
    failures: number;
    successes: number;
    checkedAt: Date | null;
    latencyMs: number | null;
    error: string | null;
  }[] = [];
  const regionWrites: { monitorId: string; tenantId: string; region: string; row: RegionRow }[] = [];
  const intervalOps: { monitorId: string; tenantId: string; state: MonitorState; at: Date; close: boolean }[] = [];
  const incidentOps: (
    | { kind: "open"; monitor: LockedMonitor; at: Date; reason: string | null }
    | { kind: "resolve"; monitor: LockedMonitor; at: Date }
  )[] = [];

  const timeOf = (e: MonitorEvent) => (e.kind === "result" ? e.row.scheduledAt.getTime() : e.at.getTime());

  for (const m of monitors) {
    const list = (byMonitor.get(m.id) ?? []).sort((a, b) => timeOf(a) - timeOf(b));
    const regions = regionsOf.get(m.id) ?? new Map<string, RegionRow>();
    const wanted = new Set(m.regions);
    let state = m.state;
    let openSince = m.open_since;
    let stateSince: Date | null = null;
    let counters: { failures: number; successes: number } | null = null;
    let latest: { checkedAt: Date; latencyMs: number | null; error: string | null } | null = null;
    const policy = {
      confirmations: m.confirmations,
      recoveryThreshold: m.recovery_threshold,
      degradedThresholdMs: m.degraded_threshold_ms,
    };

    for (const e of list) {
      const region = e.kind === "result" ? (e.row.region ?? DEFAULT_REGION) : e.region;
      const cur: RegionRow = regions.get(region) ?? {
        state: "UNKNOWN",
        consecutiveFailures: 0,
        consecutiveSuccesses: 0,
        consecutiveUnknowns: 0,
        lastCheckedAt: null,
        lastLatencyMs: null,
        lastError: null,
        dirty: false,
      };
      let t: MonitorTransition;
      let at: Date;
      if (e.kind === "result") {
        const r = e.row;
        if (!wanted.has(region) || (cur.lastCheckedAt && r.checkedAt.getTime() <= cur.lastCheckedAt.getTime())) {
          summary.skippedStale++;
          continue;
        }
        t = nextMonitorState(policy, cur, outcomeOf(r));
        at = r.checkedAt;
        const up = r.state === "UP" || r.state === "DEGRADED";
        regions.set(region, {
          ...toCounters(t),
          lastCheckedAt: r.checkedAt,
          lastLatencyMs: up && r.latencyMs != null ? Math.round(r.latencyMs) : null,
          lastError: r.error == null ? null : r.error.slice(0, 500),
          dirty: true,
        });
        latest = { checkedAt: r.checkedAt, latencyMs: regions.get(region)?.lastLatencyMs ?? null, error: r.error };
      } else {
        if (!wanted.has(region)) continue;
        t = silentMonitorState(policy, cur);
        // A region that never reported gets its (UNKNOWN) row now, and the verdict is recomputed.
        if (!t.changed && regions.has(region)) continue;
        at = e.at;
        regions.set(region, { ...cur, ...toCounters(t), lastError: e.error, dirty: true });
      }
      summary.evaluated++;
      counters = { failures: t.consecutiveFailures, successes: t.consecutiveSuccesses };

      const verdict = regionQuorumState(
        m.regions.map((g) => regions.get(g)?.state ?? "UNKNOWN"),
        m.region_quorum,
      ).state;
      const next: MonitorState = state === "MAINTENANCE" ? "MAINTENANCE" : verdict;
      const changed = next !== state;
      // Interval boundaries must move forward even if clocks disagree by a millisecond.
      const when = openSince && at.getTime() <= openSince.getTime() ? new Date(openSince.getTime() + 1) : at;
      if (openSince === null) {
        // First event for this monitor: open its first interval in the state it is now in.
        intervalOps.push({ monitorId: m.id, tenantId: m.tenant_id, state: next, at: when, close: false });
        openSince = when;
        if (changed) stateSince = when;
      } else if (changed) {
        intervalOps.push({ monitorId: m.id, tenantId: m.tenant_id, state: next, at: when, close: true });
        openSince = when;
        stateSince = when;
      }
      if (changed && next === "DOWN") {
        const reason = e.kind === "result" ? e.row.error : e.error;
        incidentOps.push({ kind: "open", monitor: m, at: when, reason });
      }
      if (changed && (state === "DOWN" || state === "UNKNOWN") && (next === "UP" || next === "DEGRADED")) {
        incidentOps.push({ kind: "resolve", monitor: m, at: when });
      }
      if (changed) summary.changes.push({ monitorId: m.id, tenantId: m.tenant_id, from: state, to: next, at: when });
      state = next;
    }

    for (const [region, row] of regions) {
      if (row.dirty) regionWrites.push({ monitorId: m.id, tenantId: m.tenant_id, region, row });
    }
    if (counters) {
      updates.push({
        id: m.id,
        state,
        stateSince,
        failures: counters.failures,
        successes: counters.successes,
        checkedAt: latest?.checkedAt ?? null,
        latencyMs: latest?.latencyMs ?? null,
        error: latest ? latest.error : null,
      });
    }
  }

  if (updates.length > 0) {
    // A watchdog-only update (checked_at NULL) keeps the monitor's last check as it was.
    await db.query(
      `UPDATE monitors m
          SET state = u.state::"MonitorState",
              state_since = COALESCE(u.state_since, m.state_since),
              consecutive_failures = u.failures,
              consecutive_successes = u.successes,
              last_checked_at = COALESCE(u.checked_at, m.last_checked_at),
              last_latency_ms = CASE WHEN u.checked_at IS NULL THEN m.last_latency_ms ELSE u.latency_ms END,
              last_error = CASE WHEN u.checked_at IS NULL THEN m.last_error ELSE u.error END,
              updated_at = now()
         FROM UNNEST($1::uuid[], $2::text[], $3::timestamptz[], $4::int[], $5::int[], $6::timestamptz[],
                     $7::int[], $8::text[])
              AS u(id, state, state_since, failures, successes, checked_at, latency_ms, error)
        WHERE m.id = u.id`,
      [
        updates.map((u) => u.id),
        updates.map((u) => u.state),
        updates.map((u) => u.stateSince?.toISOString() ?? null),
        updates.map((u) => u.failures),
        updates.map((u) => u.successes),
        updates.map((u) => u.checkedAt?.toISOString() ?? null),
        updates.map((u) => (u.latencyMs == null ? null : Math.round(u.latencyMs))),
        updates.map((u) => (u.error == null ? null : u.error.slice(0, 500))),
      ],
    );
  }

  if (regionWrites.length > 0) {
    await db.query(
      `INSERT INTO monitor_region_states AS s
         (monitor_id, region, tenant_id, state, consecutive_failures, consecutive_successes, consecutive_unknowns,
          last_checked_at, last_latency_ms, last_error, updated_at)
       SELECT u.monitor_id, u.region, u.tenant_id, u.state::"MonitorState", u.failures, u.successes, u.unknowns,
              u.checked_at, u.latency_ms, u.error, now()
         FROM UNNEST($1::uuid[], $2::text[], $3::uuid[], $4::text[], $5::int[], $6::int[], $7::int[],
                     $8::timestamptz[], $9::int[], $10::text[])
              AS u(monitor_id, region, tenant_id, state, failures, successes, unknowns, checked_at, latency_ms, error)
       ON CONFLICT (monitor_id, region) DO UPDATE
         SET state = EXCLUDED.state, consecutive_failures = EXCLUDED.consecutive_failures,
             consecutive_successes = EXCLUDED.consecutive_successes,
             consecutive_unknowns = EXCLUDED.consecutive_unknowns, last_checked_at = EXCLUDED.last_checked_at,
             last_latency_ms = EXCLUDED.last_latency_ms, last_error = EXCLUDED.last_error, updated_at = now()`,
      [
        regionWrites.map((w) => w.monitorId),
        regionWrites.map((w) => w.region),
        regionWrites.map((w) => w.tenantId),
        regionWrites.map((w) => w.row.state),
        regionWrites.map((w) => w.row.consecutiveFailures),
        regionWrites.map((w) => w.row.consecutiveSuccesses),
        regionWrites.map((w) => w.row.consecutiveUnknowns),
        regionWrites.map((w) => w.row.lastCheckedAt?.toISOString() ?? null),
        regionWrites.map((w) => w.row.lastLatencyMs),
        regionWrites.map((w) => w.row.lastError),
      ],
    );
  }

  // State changes are rare next to results: one or two statements each is fine.
  for (const op of intervalOps) {
    if (op.close) {
      await db.query(`UPDATE state_intervals SET ended_at = $2 WHERE monitor_id = $1 AND ended_at IS NULL`, [
        op.monitorId,
        op.at,
      ]);
    }
    await db.query(
      `INSERT INTO state_intervals (tenant_id, monitor_id, state, started_at) VALUES ($1, $2, $3::"MonitorState", $4)`,
      [op.tenantId, op.monitorId, op.state, op.at],
    );
  }

  // Tenant order (stable: per-monitor order kept) so incident-number locks are taken in one global order.
  incidentOps.sort((a, b) =>
    a.monitor.tenant_id < b.monitor.tenant_id ? -1 : a.monitor.tenant_id > b.monitor.tenant_id ? 1 : 0,
  );
  for (const op of incidentOps) {
    if (op.kind === "open") {
      const r = await openIncidentForMonitor(db, {
        tenantId: op.monitor.tenant_id,
        monitorId: op.monitor.id,
        monitorName: op.monitor.name,
        at: op.at,
        priority: PRIORITY_BY_CRITICALITY[op.monitor.criticality ?? "MEDIUM"],
        reason: op.reason,
      });
      if (r.outcome === "opened") summary.incidentsOpened++;
      if (r.outcome === "reopened") summary.incidentsReopened++;
    } else {
      const r = await resolveIncidentForMonitor(db, {
        tenantId: op.monitor.tenant_id,
        monitorId: op.monitor.id,
        at: op.at,
      });
      if (r) summary.incidentsResolved++;
    }
  }
  return summary;
}

function toCounters(t: MonitorTransition): Required<MonitorCounters> {
  return {
    state: t.state,
    consecutiveFailures: t.consecutiveFailures,
    consecutiveSuccesses: t.consecutiveSuccesses,
    consecutiveUnknowns: t.consecutiveUnknowns ?? 0,
  };
}
