import { resultStateOf } from "@steward/domain";
import { phaseOffsetMs, probeRun, slotFor, slotFromSchedulerJobId } from "@steward/jobs";
import {
  evaluateHeartbeat,
  getProbe,
  HeartbeatConfig,
  heartbeatGraceSeconds,
  joinSecrets,
  type Probe,
  type ProbeResult,
  type SsrfGuard,
  tenantGuards,
} from "@steward/probes";
import { type SecretBox, SecretOpenError } from "@steward/secrets";
import {
  DEFAULT_REGION,
  getHeartbeatStatus,
  type HeartbeatStatus,
  openMonitorSecrets,
  type ProbeResultRow,
  type ProbeTarget,
  secretBox,
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
  /** Opens the monitors' sealed secrets right before a probe runs (default: the process's, from env). */
  secrets?: SecretBox;
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
  /**
   * The slots among `slots` with a stored result of this monitor and region; asked only when a job is
   * delivered again after its worker died (stalled job), so a slot whose result was committed before the
   * kill is not probed a second time.
   */
  storedSlots?: (monitorId: string, region: string, slots: readonly number[]) => Promise<Set<number>>;
}

/** A scheduler-made job that is starting again: its first worker died holding it (stalled job). */
export function isStalledSchedulerRun(job: Pick<Job, "id" | "attemptsStarted" | "stalledCounter">): boolean {
  return slotFromSchedulerJobId(job.id) !== null && isRedelivered(job);
}

/** A job starting again because the worker that held it died (BullMQ stalled-job recovery). */
export function isRedelivered(job: Pick<Job, "attemptsStarted" | "stalledCounter">): boolean {
  return (job.attemptsStarted ?? 0) > 1 || (job.stalledCounter ?? 0) > 0;
}

export type ProbeRunOutcome =
  | { skipped: "monitor-missing" | "monitor-paused" | "already-stored" }
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
 * A monitor's probe config with its secrets opened (the only place a monitor secret is decrypted), validated
 * once per cached monitor object (MonitorCache hands out the same object until the monitor changes or its
 * entry expires) instead of once per probe. A secret that does not open (altered, copied from another
 * tenant or monitor, or sealed under a key this worker lacks) is a configuration error, never a crash.
 */
type ParsedConfig = ReturnType<Probe["configSchema"]["safeParse"]> | { success: false; secretError: string };
const parsedConfigs = new WeakMap<ProbeTarget, ParsedConfig>();
function parsedConfig(probe: Probe, monitor: ProbeTarget, box: () => SecretBox, log: Logger): ParsedConfig {
  let parsed = parsedConfigs.get(monitor);
  if (!parsed) {
    try {
      const secrets =
        monitor.secrets && Object.keys(monitor.secrets).length > 0
          ? openMonitorSecrets(monitor.tenantId, monitor.id, monitor.secrets, box())
          : {};
      parsed = probe.configSchema.safeParse(joinSecrets(monitor.config, secrets));
    } catch (err) {
      if (!(err instanceof SecretOpenError)) throw err;
      parsed = { success: false, secretError: SECRET_ERRORS[err.reason] };
      // Once per cached monitor (not per probe); never the value, only why it did not open.
      log.warn(
        { monitorId: monitor.id, tenantId: monitor.tenantId, reason: err.reason },
        "monitor secrets do not open",
      );
    }
    parsedConfigs.set(monitor, parsed);
  }
  return parsed;
}

const SECRET_ERRORS: Record<SecretOpenError["reason"], string> = {
  auth_failed: "stored credentials cannot be decrypted for this monitor (altered or copied); enter them again",
  unknown_key: "stored credentials are sealed under an encryption key this worker does not have",
  malformed: "stored credentials are damaged; enter them again",
};

export function createProbeRunProcessor(deps: ProbeRunDeps) {
  const guardFor = deps.guardFor ?? tenantGuards(deps.ssrf);
  const box = () => deps.secrets ?? secretBox();
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
    // A dead worker's job: it may have stored this slot's result just before it died (committed, not yet
    // acknowledged). Probing again would be a second execution of the slot, so look first. A slot the dead
    // worker had not committed is probed again — at-least-once: its first attempt may have reached the
    // target (chaos.integration.test.ts counts the executions).
    const region = deps.region ?? DEFAULT_REGION;
    if (deps.storedSlots && isRedelivered(job)) {
      try {
        if ((await deps.storedSlots(monitor.id, region, [scheduledAt])).has(scheduledAt))
          return { skipped: "already-stored" };
      } catch (err) {
        deps.log.warn({ err, monitorId }, "stored-result check of a re-delivered job failed (probing again)");
      }
    }

    let result: ProbeResult;
    const probe = getProbe(monitor.kind);
    const config = probe ? parsedConfig(probe, monitor, box, deps.log) : undefined;
    if (monitor.kind === "HEARTBEAT") {
      result = await heartbeatResult(monitor, deps);
    } else if (!probe) {
      result = { ok: false, unknown: true, latencyMs: 0, error: `no probe for kind ${monitor.kind}` };
    } else if (config && "secretError" in config) {
      result = { ok: false, unknown: true, latencyMs: 0, error: config.secretError };
    } else if (!config?.success) {
      result = { ok: false, unknown: true, latencyMs: 0, error: "invalid monitor configuration" };
    } else {
      try {
        const ssrf = guardFor(monitor.tenantAllowCidrs ?? []);
        result = await probe.run(config.data, {
          signal: deps.signal,
          timeoutMs: monitor.timeoutMs,
          ssrf,
          run: { scheduledAt, region },
        });
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
      region,
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
