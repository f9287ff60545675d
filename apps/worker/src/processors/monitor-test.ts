import { type MonitorTestReply, monitorTest } from "@steward/jobs";
import { getProbe, type ProbeResult, type SsrfGuard } from "@steward/probes";
import { type ConfigSealer, testConfigOwner } from "@steward/services";
import { type Job, UnrecoverableError } from "bullmq";
import type { Logger } from "../logger.ts";

export interface MonitorTestDeps {
  /** The scheduled probes' guard construction (probe-run.ts `tenantGuards`): deployment ∪ tenant allowlist. */
  guardFor: (tenantAllowCidrs: readonly string[]) => SsrfGuard;
  /** The tenant's own allowlist, read fresh per test (system actor). */
  tenantAllowCidrs: (tenantId: string) => Promise<string[]>;
  sealer: ConfigSealer;
  region: string;
  /** Aborted on a forced shutdown: an in-flight test ends as `unknown`. */
  signal: AbortSignal;
  log: Logger;
}

/**
 * "Test now" on this worker (ADR 0012): open the sealed config (bound to the tenant and this request),
 * validate it, build the guard exactly as a scheduled probe of this tenant gets it, run the probe once
 * within what is left of the requester's deadline, and reply with the result (no secrets, no server
 * data). Nothing is stored. A job whose requester has already given up is not run.
 */
export function createMonitorTestProcessor(deps: MonitorTestDeps) {
  return async function processMonitorTest(job: Job): Promise<MonitorTestReply> {
    const parsed = monitorTest.payload.safeParse(job.data);
    if (!parsed.success) throw new UnrecoverableError("invalid monitor.test payload");
    const p = parsed.data;
    const left = p.deadline - Date.now();
    if (left <= 0) throw new UnrecoverableError("monitor.test request expired before a worker took it");
    let config: unknown;
    try {
      config = JSON.parse(
        deps.sealer.open(p.sealedConfig, { tenantId: p.tenantId, owner: testConfigOwner(p.requestId) }),
      );
    } catch {
      // Tampered, another tenant's, or another request's: never probed.
      throw new UnrecoverableError("monitor.test config could not be opened");
    }
    const region = deps.region;
    const startedAt = new Date();
    const t0 = performance.now();
    const reply = (r: ProbeResult): MonitorTestReply => ({
      ...r,
      region,
      startedAt: startedAt.toISOString(),
      totalMs: Math.round(performance.now() - t0),
    });
    const probe = getProbe(p.kind);
    if (!probe) return reply({ ok: false, unknown: true, latencyMs: 0, error: `no probe for kind ${p.kind}` });
    const cfg = probe.configSchema.safeParse(config);
    if (!cfg.success) return reply({ ok: false, unknown: true, latencyMs: 0, error: "invalid monitor configuration" });
    const ssrf = deps.guardFor(await deps.tenantAllowCidrs(p.tenantId));
    try {
      const result = await probe.run(cfg.data, {
        signal: deps.signal,
        timeoutMs: Math.max(1, Math.min(p.timeoutMs, p.deadline - Date.now())),
        ssrf,
      });
      return reply(result);
    } catch (err) {
      deps.log.error({ err, kind: p.kind }, "test probe threw");
      return reply({ ok: false, unknown: true, latencyMs: 0, error: "probe error" });
    }
  };
}
