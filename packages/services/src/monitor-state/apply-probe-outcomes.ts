import { type MonitorState, nextMonitorState } from "@steward/domain";
import { openIncidentForMonitor } from "../incident/open-incident-for-monitor.ts";
import { resolveIncidentForMonitor } from "../incident/resolve-incident-for-monitor.ts";
import { outcomeOf, type ProbeResultRow } from "../probe/probe-result-row.ts";
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
  /** Results older than the monitor's last check (out-of-order delivery): stored, not evaluated. */
  skippedStale: number;
  changes: StateChange[];
  incidentsOpened: number;
  incidentsReopened: number;
  incidentsResolved: number;
}

interface LockedMonitor {
  id: string;
  tenant_id: string;
  name: string;
  state: MonitorState;
  consecutive_failures: number;
  consecutive_successes: number;
  confirmations: number;
  recovery_threshold: number;
  degraded_threshold_ms: number | null;
  last_checked_at: Date | null;
  criticality: "LOW" | "MEDIUM" | "HIGH" | "CRITICAL" | null;
  open_since: Date | null;
}

const PRIORITY_BY_CRITICALITY = { CRITICAL: "P1", HIGH: "P2", MEDIUM: "P3", LOW: "P4" } as const;

/**
 * Evaluate newly stored probe results (recordProbeResults' return value) against each monitor's policy,
 * in scheduled order, and persist the consequences:
 *  - the monitor's counters, state, lastCheckedAt / lastLatencyMs / lastError (one UPDATE ... FROM UNNEST
 *    for the whole flush);
 *  - on a state change: close the open state interval at the change time and open the next one; a
 *    monitor's first result opens its first interval;
 *  - entering DOWN → openIncidentForMonitor; leaving DOWN → resolveIncidentForMonitor.
 *
 * Must run inside the caller's transaction (ingestProbeResults). All monitor rows of the flush are locked
 * up front with SELECT ... FOR UPDATE in id order, so concurrent flushes (other workers) serialise per
 * monitor and cannot deadlock; per-tenant incident-number locks are then taken in tenant order.
 * Client: the system pool (steward_system, BYPASSRLS) — a flush spans tenants and this is the ingest hot
 * path; withTenant per monitor would cost one extra transaction per result. Every statement is keyed by
 * the monitor id it locked, and each monitor's tenant_id comes from its own row.
 */
export async function applyProbeOutcomes(db: SqlClient, results: readonly ProbeResultRow[]): Promise<ApplySummary> {
  const summary: ApplySummary = {
    evaluated: 0,
    skippedStale: 0,
    changes: [],
    incidentsOpened: 0,
    incidentsReopened: 0,
    incidentsResolved: 0,
  };
  if (results.length === 0) return summary;

  const byMonitor = new Map<string, ProbeResultRow[]>();
  for (const r of results) {
    const list = byMonitor.get(r.monitorId);
    if (list) list.push(r);
    else byMonitor.set(r.monitorId, [r]);
  }
  const ids = [...byMonitor.keys()].sort();

  const { rows: monitors } = await db.query<LockedMonitor>(
    `SELECT m.id, m.tenant_id, m.name, m.state, m.consecutive_failures, m.consecutive_successes,
            m.confirmations, m.recovery_threshold, m.degraded_threshold_ms, m.last_checked_at,
            a.criticality, si.started_at AS open_since
       FROM monitors m
       LEFT JOIN assets a ON a.id = m.asset_id
       LEFT JOIN state_intervals si ON si.monitor_id = m.id AND si.ended_at IS NULL
      WHERE m.id = ANY($1::uuid[])
      ORDER BY m.id
        FOR UPDATE OF m`,
    [ids],
  );

  const updates: {
    id: string;
    state: MonitorState;
    stateSince: Date | null;
    failures: number;
    successes: number;
    checkedAt: Date;
    latencyMs: number | null;
    error: string | null;
  }[] = [];
  const intervalOps: { monitorId: string; tenantId: string; state: MonitorState; at: Date; close: boolean }[] = [];
  const incidentOps: (
    | { kind: "open"; monitor: LockedMonitor; at: Date; reason: string | null }
    | { kind: "resolve"; monitor: LockedMonitor; at: Date }
  )[] = [];

  for (const m of monitors) {
    const list = (byMonitor.get(m.id) ?? []).sort((a, b) => a.scheduledAt.getTime() - b.scheduledAt.getTime());
    let cur = {
      state: m.state,
      consecutiveFailures: m.consecutive_failures,
      consecutiveSuccesses: m.consecutive_successes,
    };
    let lastChecked = m.last_checked_at;
    let openSince = m.open_since;
    let stateSince: Date | null = null;
    let latest: ProbeResultRow | null = null;
    const policy = {
      confirmations: m.confirmations,
      recoveryThreshold: m.recovery_threshold,
      degradedThresholdMs: m.degraded_threshold_ms,
    };

    for (const r of list) {
      if (lastChecked && r.checkedAt.getTime() <= lastChecked.getTime()) {
        summary.skippedStale++;
        continue;
      }
      summary.evaluated++;
      const t = nextMonitorState(policy, cur, outcomeOf(r));
      // Interval boundaries must move forward even if clocks disagree by a millisecond.
      const at =
        openSince && r.checkedAt.getTime() <= openSince.getTime() ? new Date(openSince.getTime() + 1) : r.checkedAt;
      if (openSince === null) {
        // First result for this monitor: open its first interval in the state it is now in.
        intervalOps.push({ monitorId: m.id, tenantId: m.tenant_id, state: t.state, at, close: false });
        openSince = at;
        if (t.changed) stateSince = at;
      } else if (t.changed) {
        intervalOps.push({ monitorId: m.id, tenantId: m.tenant_id, state: t.state, at, close: true });
        openSince = at;
        stateSince = at;
      }
      if (t.changed && t.state === "DOWN") incidentOps.push({ kind: "open", monitor: m, at, reason: r.error });
      if (t.changed && t.previousState === "DOWN" && (t.state === "UP" || t.state === "DEGRADED")) {
        incidentOps.push({ kind: "resolve", monitor: m, at });
      }
      if (t.changed) {
        summary.changes.push({ monitorId: m.id, tenantId: m.tenant_id, from: t.previousState, to: t.state, at });
      }
      cur = t;
      lastChecked = r.checkedAt;
      latest = r;
    }
    if (latest) {
      updates.push({
        id: m.id,
        state: cur.state,
        stateSince,
        failures: cur.consecutiveFailures,
        successes: cur.consecutiveSuccesses,
        checkedAt: latest.checkedAt,
        latencyMs: latest.state === "UP" || latest.state === "DEGRADED" ? latest.latencyMs : null,
        error: latest.error,
      });
    }
  }

  if (updates.length > 0) {
    await db.query(
      `UPDATE monitors m
          SET state = u.state::"MonitorState",
              state_since = COALESCE(u.state_since, m.state_since),
              consecutive_failures = u.failures,
              consecutive_successes = u.successes,
              last_checked_at = u.checked_at,
              last_latency_ms = u.latency_ms,
              last_error = u.error,
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
        updates.map((u) => u.checkedAt.toISOString()),
        updates.map((u) => (u.latencyMs == null ? null : Math.round(u.latencyMs))),
        updates.map((u) => (u.error == null ? null : u.error.slice(0, 500))),
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
