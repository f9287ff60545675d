import { createDeploymentProbeGuard, type SsrfGuard } from "@steward/services";
import { z } from "zod";

/** The only place @steward/api reads the environment. */
const Env = z.object({
  NODE_ENV: z.enum(["development", "test", "production"]).default("development"),
});

export const env = Env.parse({
  NODE_ENV: process.env.NODE_ENV || undefined,
});
export const isProduction = env.NODE_ENV === "production";

/**
 * The deployment's SSRF guard for "test now", built once when the API loads (start-up): the same
 * variables as the worker's — PROBE_ALLOWED_TARGETS (nothing private by default; loopback only with
 * STEWARD_DEV=1) and the platform deny list from DATABASE_URL, APP_/SYSTEM_DATABASE_URL, REDIS_URL,
 * WEB_PORT/AUTH_URL, WORKER_HEALTH_PORT (docs/ssrf.md). A bad list fails every test-now (fail closed).
 */
let deploymentGuard: Promise<SsrfGuard> | undefined;
export function probeGuard(): Promise<SsrfGuard> {
  deploymentGuard ??= createDeploymentProbeGuard(process.env);
  return deploymentGuard;
}
// Build at start-up; a failure is reported by the first test-now that awaits it.
probeGuard().catch(() => {});
