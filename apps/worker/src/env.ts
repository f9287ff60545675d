import { createDeploymentGuard, type SsrfGuard } from "@steward/probes";
import { createEnv } from "@t3-oss/env-core";
import { z } from "zod";

/**
 * The only place the worker reads the environment. Database URLs are read by @steward/db, REDIS_URL and
 * REDIS_PREFIX by @steward/jobs.
 */
export const env = createEnv({
  server: {
    NODE_ENV: z.enum(["development", "test", "production"]).default("development"),
    LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
    WORKER_HEALTH_PORT: z.coerce.number().int().min(0).max(65535).default(3101),
    WORKER_HEALTH_HOST: z.string().default("127.0.0.1"),
    /**
     * Parallel probe jobs per worker process. A job keeps its slot until its result is committed (the
     * batcher's flush: up to PROBE_FLUSH_MS + the flush itself), so a worker completes at most
     * ≈ concurrency / (probe time + flush wait) probes a second: 500 leaves the slots far from being the
     * limit (≈ 2,000/s even at 250 ms per job) while bounding what a worker holds when it dies.
     */
    PROBE_CONCURRENCY: z.coerce.number().int().min(1).max(5000).default(500),
    /** Batcher: flush every N ms or M rows, whichever comes first. */
    PROBE_FLUSH_MS: z.coerce.number().int().min(10).max(10_000).default(250),
    PROBE_FLUSH_ROWS: z.coerce.number().int().min(1).max(10_000).default(500),
    /** PING Redis every N ms so BullMQ's delayed probe jobs start on time (0: off; see WorkerAppOptions). */
    PROBE_REDIS_TICK_MS: z.coerce.number().int().min(0).max(1_000).default(20),
    /** The region this worker probes from; it runs the monitors that list this region. */
    PROBE_REGION: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]{0,31}$/, "lower-case letters, digits and dashes")
      .default("local"),
    /**
     * Full scheduler reconcile period: the safety net (monitor edits reach the worker at once through
     * LISTEN/NOTIFY and a targeted reconcile).
     */
    SCHEDULER_RECONCILE_MS: z.coerce.number().int().min(1_000).default(120_000),
    /**
     * Targets every tenant's probes may reach although private (SSRF allowlist: comma-separated
     * `cidr:port` / `cidr:from-to` / `[v6-cidr]:port`; docs/ssrf.md). Default: nothing. Loopback entries
     * only with STEWARD_DEV=1. The old PROBE_ALLOWED_CIDRS is refused at start-up with a message.
     */
    PROBE_ALLOWED_TARGETS: z.string().optional(),
    PROBE_ALLOWED_CIDRS: z.string().optional(),
    /** Monitor-secret keys (@steward/secrets, docs/operations.md): required unless NODE_ENV=development|test. */
    STEWARD_SECRETS_KEYS: z.string().optional(),
    STEWARD_SECRETS_CURRENT_KEY: z.string().optional(),
    STEWARD_SECRETS_KEYS_FILE: z.string().optional(),
    /** Development mode (the demo, tests): "1" lets PROBE_ALLOWED_TARGETS open loopback ports. */
    STEWARD_DEV: z.string().optional(),
  },
  runtimeEnv: process.env,
  emptyStringAsUndefined: true,
});

/**
 * The deployment's SSRF guard: PROBE_ALLOWED_TARGETS (validated; nothing private by default) and the
 * platform deny list built from DATABASE_URL, APP_/SYSTEM_/AUTH_DATABASE_URL, REDIS_URL, WEB_PORT/AUTH_URL and
 * WORKER_HEALTH_PORT (docs/ssrf.md). Rejects with a clear message on a bad list.
 */
export function deploymentGuard(): Promise<SsrfGuard> {
  return createDeploymentGuard(process.env);
}

/**
 * What @steward/secrets' loadSecretBoxFromEnv reads. NODE_ENV is passed as the process has it (not the
 * "development" default above): a generated development key needs an explicit NODE_ENV=development|test.
 */
export function secretsEnv(): Record<string, string | undefined> {
  return {
    NODE_ENV: process.env.NODE_ENV,
    STEWARD_SECRETS_KEYS: env.STEWARD_SECRETS_KEYS,
    STEWARD_SECRETS_CURRENT_KEY: env.STEWARD_SECRETS_CURRENT_KEY,
    STEWARD_SECRETS_KEYS_FILE: env.STEWARD_SECRETS_KEYS_FILE,
  };
}
