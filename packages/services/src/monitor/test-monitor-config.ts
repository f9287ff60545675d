import { effectiveAllowCidrs } from "@steward/domain";
import { createSsrfGuard, getProbe } from "@steward/probes";
import { z } from "zod";
import type { ServiceContext } from "../context.ts";
import { ValidationError } from "../errors.ts";
import { requirePermission } from "../require-permission.ts";
import { withTenant } from "../with-tenant.ts";

export const TestMonitorConfigInput = z.object({
  kind: z.string().regex(/^[A-Z][A-Z0-9_]{1,39}$/),
  config: z.record(z.string(), z.unknown()),
  timeoutMs: z.int().min(500).max(30_000).default(10_000),
});
export type TestMonitorConfigInput = z.input<typeof TestMonitorConfigInput>;

export interface TestMonitorConfigOptions {
  /**
   * The DEPLOYMENT's SSRF allowlist (PROBE_ALLOWED_CIDRS; loopback outside production). The tenant's own
   * allowlist (organizations.probe_allow_cidrs) is added to it here, as the worker does.
   */
  allowCidrs: readonly string[];
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
  const tenantCidrs = await withTenant(ctx, async (tx) => {
    const org = await tx.organization.findFirst({
      where: { id: ctx.tenant?.id ?? "" },
      select: { probeAllowCidrs: true },
    });
    return org?.probeAllowCidrs ?? [];
  });
  const ssrf = createSsrfGuard({ allowCidrs: effectiveAllowCidrs(opts.allowCidrs, tenantCidrs) });
  const startedAt = new Date();
  const t0 = performance.now();
  const result = await probe.run(parsed.data, {
    signal: new AbortController().signal,
    timeoutMs: input.timeoutMs,
    ssrf,
  });
  return { ...result, startedAt, totalMs: Math.round(performance.now() - t0) };
}
