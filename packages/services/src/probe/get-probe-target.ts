import { getSystemPool } from "@steward/db";
import type { MonitorState } from "@steward/domain";

/**
 * What the worker needs to run one monitor's probe. `secrets` are the sealed values (path → sealed string,
 * monitors.secrets); the probe processor opens them right before the probe runs.
 */
export interface ProbeTarget {
  id: string;
  tenantId: string;
  kind: string;
  config: unknown;
  secrets?: Record<string, string>;
  intervalSeconds: number;
  timeoutMs: number;
  degradedThresholdMs: number | null;
  paused: boolean;
  state: MonitorState;
  /** The tenant's own SSRF allowlist (organizations.probe_allow_cidrs), added to the deployment's. */
  tenantAllowCidrs: string[];
}

/**
 * Load a monitor for probing, as the system actor (the worker has no tenant; steward_system pool, one
 * indexed primary-key read, joined to its tenant for the tenant's SSRF allowlist). null when the monitor
 * no longer exists.
 */
export async function getProbeTarget(monitorId: string): Promise<ProbeTarget | null> {
  const { rows } = await getSystemPool().query<{
    id: string;
    tenant_id: string;
    kind: string;
    config: unknown;
    secrets: Record<string, string> | null;
    interval_seconds: number;
    timeout_ms: number;
    degraded_threshold_ms: number | null;
    paused: boolean;
    state: MonitorState;
    probe_allow_cidrs: string[];
  }>(
    `SELECT m.id, m.tenant_id, m.kind, m.config, m.secrets, m.interval_seconds, m.timeout_ms, m.degraded_threshold_ms, m.paused,
            m.state, o.probe_allow_cidrs
       FROM monitors m JOIN organizations o ON o.id = m.tenant_id
      WHERE m.id = $1`,
    [monitorId],
  );
  const r = rows[0];
  if (!r) return null;
  return {
    id: r.id,
    tenantId: r.tenant_id,
    kind: r.kind,
    config: r.config,
    secrets: r.secrets ?? {},
    intervalSeconds: r.interval_seconds,
    timeoutMs: r.timeout_ms,
    degradedThresholdMs: r.degraded_threshold_ms,
    paused: r.paused,
    state: r.state,
    tenantAllowCidrs: r.probe_allow_cidrs,
  };
}
