import { getProbe, type SsrfGuard } from "@steward/probes";
import { z } from "zod";
import type { ServiceContext } from "../context.ts";
import { ValidationError } from "../errors.ts";
import { tenantProbeGuard } from "../probe/tenant-probe-guard.ts";
import { requirePermission } from "../require-permission.ts";

export const TestMonitorConfigInput = z.object({
  kind: z.string().regex(/^[A-Z][A-Z0-9_]{1,39}$/),
  config: z.record(z.string(), z.unknown()),
  timeoutMs: z.int().min(500).max(30_000).default(10_000),
});
export type TestMonitorConfigInput = z.input<typeof TestMonitorConfigInput>;

export interface TestMonitorConfigOptions {
  /**
   * The DEPLOYMENT's SSRF guard (createDeploymentProbeGuard: PROBE_ALLOWED_TARGETS + the platform deny
   * list). The tenant's approved entries are added to it here (tenantProbeGuard), as the worker does.
   */
  ssrf: SsrfGuard;
}

/**
 * "Test now": run the kind's probe once with `config`, right here, under the SSRF guard the worker would
 * use for this tenant (deployment ∪ tenant allowlist), and return its result with timings. Writes nothing
 * (no result row, no state change, no audit: nothing was changed).
 */
export async function testMonitorConfig(
  ctx: ServiceContext,
  rawInput: TestMonitorConfigInput,
  opts: TestMonitorConfigOptions,
) {
  requirePermission(ctx, "monitor:write");
  const input = TestMonitorConfigInput.parse(rawInput);
  const probe = getProbe(input.kind);
  if (!probe) throw new ValidationError(`Unknown monitor kind ${input.kind}`, { field: "kind" });
  const parsed = probe.configSchema.safeParse(input.config);
  if (!parsed.success) {
    const fields: Record<string, string> = {};
    for (const i of parsed.error.issues) fields[["config", ...i.path.map(String)].join(".")] ??= i.message;
    throw new ValidationError("Invalid configuration", { field: "config", fields });
  }
  const ssrf = await tenantProbeGuard(ctx, opts.ssrf);
  const startedAt = new Date();
  const t0 = performance.now();
  const result = await probe.run(parsed.data, {
    signal: new AbortController().signal,
    timeoutMs: input.timeoutMs,
    ssrf,
  });
  return { ...result, startedAt, totalMs: Math.round(performance.now() - t0) };
}
