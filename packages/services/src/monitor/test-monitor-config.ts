import { randomBytes } from "node:crypto";
import type { MonitorTestClient } from "@steward/jobs";
import { REGION_PATTERN } from "@steward/jobs";
import { getProbe } from "@steward/probes";
import { z } from "zod";
import type { ServiceContext } from "../context.ts";
import { UnavailableError, ValidationError } from "../errors.ts";
import { requirePermission } from "../require-permission.ts";
import { requireTenant, withTenant } from "../with-tenant.ts";
import { MONITOR_DEFAULT_REGION } from "./monitor-fields.ts";
import { type ConfigSealer, testConfigOwner } from "./test-config-sealer.ts";
import type { TestNowLimiter } from "./test-now-limits.ts";
import { testNowRuntime } from "./test-now-runtime.ts";

export const TestMonitorConfigInput = z.object({
  kind: z.string().regex(/^[A-Z][A-Z0-9_]{1,39}$/),
  config: z.record(z.string(), z.unknown()),
  timeoutMs: z.int().min(500).max(30_000).default(10_000),
  /** The region to test from: one of the monitor's regions (the form's first, or the one picked). */
  region: z.string().regex(REGION_PATTERN, "Unknown region").default(MONITOR_DEFAULT_REGION),
});
export type TestMonitorConfigInput = z.input<typeof TestMonitorConfigInput>;

/** What "test now" needs besides the database; tests inject their own, the API uses testNowRuntime(). */
export interface TestMonitorConfigOptions {
  client: Pick<MonitorTestClient, "request">;
  limiter: TestNowLimiter;
  sealer: ConfigSealer;
  /** Added to the probe's timeout for the queue and the reply (default 5 s). */
  replySlackMs?: number;
}

/** A worker is live while its fleet heartbeat (every 5 s) is younger than this (as the fleet page). */
const LIVE_WORKER_MS = 30_000;

/**
 * "Test now" (ADR 0012): validate the configuration here, then run the kind's probe once ON A PROBE WORKER
 * of the chosen region — the web process never opens a connection to the target. The config travels
 * sealed in a `monitor.test` job on `monitor-tests-<region>`; the worker builds the same SSRF guard as
 * for scheduled probes (deployment ∪ tenant allowlist) and replies with the result; this waits until
 * timeoutMs + slack, then fails with "no probe worker in region X answered within N s".
 * Limited per user and per tenant (test-now-limits.ts). Writes nothing (no result row, no state change,
 * no audit: nothing was changed).
 */
export async function testMonitorConfig(
  ctx: ServiceContext,
  rawInput: TestMonitorConfigInput,
  opts: TestMonitorConfigOptions = testNowRuntime(),
) {
  requirePermission(ctx, "monitor:write");
  const tenant = requireTenant(ctx);
  const input = TestMonitorConfigInput.parse(rawInput);
  const probe = getProbe(input.kind);
  if (!probe) throw new ValidationError(`Unknown monitor kind ${input.kind}`, { field: "kind" });
  // Validation only: the probe itself runs on the worker.
  const parsed = probe.configSchema.safeParse(input.config);
  if (!parsed.success) {
    const fields: Record<string, string> = {};
    for (const i of parsed.error.issues) fields[["config", ...i.path.map(String)].join(".")] ??= i.message;
    throw new ValidationError("Invalid configuration", { field: "config", fields });
  }
  await opts.limiter.consume(ctx);

  const region = input.region;
  // Fail at once for a region without a live worker (its fleet heartbeat): no job is queued for nobody.
  const live = await withTenant(ctx, (tx) =>
    tx.probeWorker.count({
      where: { region, lastHeartbeatAt: { gt: new Date(Date.now() - LIVE_WORKER_MS) } },
    }),
  );
  if (live === 0) {
    throw new UnavailableError(`No probe worker is running in region ${region}`, { region });
  }

  const requestId = randomBytes(18).toString("base64url");
  const sealedConfig = opts.sealer.seal(JSON.stringify(input.config), {
    tenantId: tenant.id,
    owner: testConfigOwner(requestId),
  });
  const waitMs = input.timeoutMs + (opts.replySlackMs ?? 5_000);
  const out = await opts.client.request({
    region,
    requestId,
    tenantId: tenant.id,
    kind: input.kind,
    sealedConfig,
    timeoutMs: input.timeoutMs,
    waitMs,
  });
  if (out.kind === "no-answer") {
    throw new UnavailableError(`No probe worker in region ${region} answered within ${Math.round(waitMs / 1000)} s`, {
      region,
      waitedMs: waitMs,
      picked: out.picked,
    });
  }
  if (out.kind === "failed") {
    throw new UnavailableError(`The probe worker in region ${region} could not run the test`, { region });
  }
  const { startedAt, ...result } = out.reply;
  return { ...result, startedAt: new Date(startedAt) };
}
