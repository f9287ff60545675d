import { resultStateOf } from "@steward/domain";
import { phaseOffsetMs, probeRun, slotFor, slotFromSchedulerJobId } from "@steward/jobs";
import {
  evaluateHeartbeat,
  getProbe,
  HeartbeatConfig,
  heartbeatGraceSeconds,
  type Probe,
  type ProbeResult,
  type SsrfGuard,
  tenantGuards,
} from "@steward/probes";
import {
  DEFAULT_REGION,
  getHeartbeatStatus,
  type HeartbeatStatus,
  type ProbeResultRow,
  type ProbeTarget,
} from "@steward/services";
import { type Job, UnrecoverableError } from "bullmq";
import type { ResultBatcher } from "../batcher.ts";
import { slotsDueAfter } from "../catch-up.ts";
import type { Logger } from "../logger.ts";
import type { MonitorCache } from "../monitor-cache.ts";

export interface ProbeRunDeps {
  monitors: MonitorCache;
  batcher: ResultBatcher;
  /**
   * The deployment's guard (PROBE_ALLOWED_TARGETS + the platform deny list); a tenant with approved entries
   * gets deployment ∪ tenant, the deny list kept (`tenantGuards` / `guardForTenant` in @steward/probes).
   */
  ssrf: SsrfGuard;
  /** Guards per tenant allowlist (default: a small cache built from `ssrf.allowCidrs`). */
  guardFor?: (tenantAllowCidrs: readonly string[]) => SsrfGuard;
  /** The worker's region, stamped on every result (default DEFAULT_REGION). */
  region?: string;
  /** Aborted on a forced shutdown: in-flight probes end as `unknown`. */
  signal: AbortSignal;
  log: Logger;
  /** HEARTBEAT monitors: the last beat, read fresh per run (default: one primary-key read, system pool). */
  heartbeats?: (monitorId: string) => Promise<HeartbeatStatus | null>;
  /** Clock for heartbeat evaluation (tests drive it); default Date.now. */
  now?: () => number;
  /**
   * Runs the given slots of a monitor that a dead worker made it skip (catch-up.ts); called when a
   * scheduler job starts again after stalling. Returns the slots it enqueued.
   */
  catchUp?: (monitorId: string, slots: number[]) => Promise<number[]>;
}

/** A scheduler-made job that is starting again: its first worker died holding it (stalled job). */
export function isStalledSchedulerRun(job: Pick<Job, "id" | "attemptsStarted" | "stalledCounter">): boolean {
  return slotFromSchedulerJobId(job.id) !== null && ((job.attemptsStarted ?? 0) > 1 || (job.stalledCounter ?? 0) > 0);
}

export type ProbeRunOutcome =
  | { skipped: "monitor-missing" | "monitor-paused" }
  | { scheduledAt: number; state: ProbeResultRow["state"]; latencyMs: number | null };

/**
 * The slot a run belongs to, on the monitor's grid (interval + phase offset), so a retry or a
 * re-delivery of the same job always lands on the same (monitor, scheduled_at) key.
 * Source, in order: the payload's scheduledAt (ad-hoc runs), the slot millis in a scheduler-made job id
 * (`repeat:<schedulerId>:<millis>`), the job's own due time (timestamp + delay).
 */
export function slotOf(
  job: Pick<Job, "id" | "timestamp" | "opts">,
  payload: { scheduledAt?: number | undefined },
  intervalMs: number,
  offsetMs: number,
): number {
  const raw = payload.scheduledAt ?? slotFromSchedulerJobId(job.id) ?? job.timestamp + (job.opts?.delay ?? 0);
  return slotFor(raw, intervalMs, offsetMs);
}

/**
 * A monitor's probe config, validated once per cached monitor object (MonitorCache hands out the same
 * object until the monitor changes or its entry expires) instead of once per probe.
 */
const parsedConfigs = new WeakMap<ProbeTarget, ReturnType<Probe["configSchema"]["safeParse"]>>();
function parsedConfig(probe: Probe, monitor: ProbeTarget): ReturnType<Probe["configSchema"]["safeParse"]> {
  let parsed = parsedConfigs.get(monitor);
  if (!parsed) {
    parsed = probe.configSchema.safeParse(monitor.config);
    parsedConfigs.set(monitor, parsed);
  }
  return parsed;
}

export function createProbeRunProcessor(deps: ProbeRunDeps) {
  const guardFor = deps.guardFor ?? tenantGuards(deps.ssrf);
  return async function processProbeRun(job: Job): Promise<ProbeRunOutcome> {
    const parsed = probeRun.payload.safeParse(job.data);
    if (!parsed.success) throw new UnrecoverableError(`invalid probe.run payload: ${parsed.error.message}`);
    const { monitorId } = parsed.data;

    const monitor = await deps.monitors.get(monitorId);
    if (!monitor) return { skipped: "monitor-missing" }; // the reconciler removes its scheduler
    if (monitor.paused) return { skipped: "monitor-paused" };

    const intervalMs = monitor.intervalSeconds * 1000;
    const scheduledAt = slotOf(job, parsed.data, intervalMs, phaseOffsetMs(monitor.id, intervalMs));
    if (deps.catchUp && isStalledSchedulerRun(job)) {
      try {
        const slots = await deps.catchUp(monitor.id, slotsDueAfter(scheduledAt, intervalMs, Date.now()));
        if (slots.length)
          deps.log.info({ monitorId, slots: slots.length }, "caught up slots skipped after a dead worker");
      } catch (err) {
        deps.log.warn({ err, monitorId }, "catch-up of skipped slots failed");
      }
    }

    let result: ProbeResult;
    const probe = getProbe(monitor.kind);
    const config = probe ? parsedConfig(probe, monitor) : undefined;
    if (monitor.kind === "HEARTBEAT") {
      result = await heartbeatResult(monitor, deps);
    } else if (!probe) {
      result = { ok: false, unknown: true, latencyMs: 0, error: `no probe for kind ${monitor.kind}` };
    } else if (!config?.success) {
      result = { ok: false, unknown: true, latencyMs: 0, error: "invalid monitor configuration" };
    } else {
      try {
        const ssrf = guardFor(monitor.tenantAllowCidrs ?? []);
        result = await probe.run(config.data, { signal: deps.signal, timeoutMs: monitor.timeoutMs, ssrf });
      } catch (err) {
        // A throwing probe is a bug on our side, not evidence about the target.
        deps.log.error({ err, monitorId }, "probe threw");
        result = { ok: false, unknown: true, latencyMs: 0, error: "probe error" };
      }
    }

    const state: ProbeResultRow["state"] = result.unknown
      ? "UNKNOWN"
      : result.ok
        ? resultStateOf(
            { degradedThresholdMs: monitor.degradedThresholdMs },
            { kind: "ok", latencyMs: result.latencyMs },
          )
        : "DOWN";
    const latencyMs = result.unknown ? null : result.latencyMs;
    await deps.batcher.add({
      monitorId: monitor.id,
      tenantId: monitor.tenantId,
      scheduledAt: new Date(scheduledAt),
      checkedAt: new Date(),
      state,
      latencyMs,
      statusCode: result.statusCode ?? null,
      error: result.error ?? null,
      region: deps.region ?? DEFAULT_REGION,
    });
    return { scheduledAt, state, latencyMs };
  };
}

/**
 * A push monitor has no network probe: it is ok while the last beat (before the first one, the monitor's
 * creation) is at most interval + grace old, else it fails "no heartbeat for N s". A lookup error is
 * UNKNOWN (it says nothing about the cron job).
 */
async function heartbeatResult(monitor: ProbeTarget, deps: ProbeRunDeps): Promise<ProbeResult> {
  const config = HeartbeatConfig.safeParse(monitor.config ?? {});
  if (!config.success) return { ok: false, unknown: true, latencyMs: 0, error: "invalid monitor configuration" };
  let status: HeartbeatStatus | null;
  try {
    status = await (deps.heartbeats ?? getHeartbeatStatus)(monitor.id);
  } catch (err) {
    deps.log.error({ err, monitorId: monitor.id }, "heartbeat lookup failed");
    return { ok: false, unknown: true, latencyMs: 0, error: "heartbeat lookup failed" };
  }
  if (!status) return { ok: false, unknown: true, latencyMs: 0, error: "monitor missing" };
  const verdict = evaluateHeartbeat({
    now: (deps.now ?? Date.now)(),
    lastHeartbeatAt: status.lastHeartbeatAt,
    createdAt: status.createdAt,
    intervalSeconds: monitor.intervalSeconds,
    graceSeconds: heartbeatGraceSeconds(config.data, monitor.intervalSeconds),
  });
  return verdict.ok ? { ok: true, latencyMs: 0 } : { ok: false, latencyMs: 0, error: verdict.error ?? "no heartbeat" };
}
