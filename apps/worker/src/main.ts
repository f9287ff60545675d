import { assertNoDefaultPasswords, databaseUrls, disconnectAll } from "@steward/db";
import { describeDenyRule, type SsrfGuard } from "@steward/probes";
import { loadSecretBoxFromEnv } from "@steward/secrets";
import { useSecretBox } from "@steward/services";
import { createWorkerApp } from "./app.ts";
import { deploymentGuard, env, secretsEnv } from "./env.ts";
import { createHealthServer } from "./health.ts";
import { createLogger } from "./logger.ts";

const log = createLogger(env.LOG_LEVEL);
try {
  // Fail closed (ADR 0015): built-in database role passwords refuse the start unless NODE_ENV says
  // development or test — the compiled worker runs as `node dist/main.js` with no NODE_ENV, and that is a
  // deployment. The local demo sets ALLOW_DEFAULT_DB_PASSWORDS=1 explicitly.
  const { databaseUrl: _admin, ...roles } = databaseUrls();
  const mode = process.env.NODE_ENV === "development" || process.env.NODE_ENV === "test" ? "development" : "production";
  assertNoDefaultPasswords(roles, { nodeEnv: mode, allowDefault: process.env.ALLOW_DEFAULT_DB_PASSWORDS === "1" });
} catch (err) {
  log.fatal({ err }, "refusing to start");
  process.exit(1);
}
// The worker opens monitor secrets: without a key (outside NODE_ENV=development|test) it does not start.
try {
  useSecretBox(loadSecretBoxFromEnv(secretsEnv()));
} catch (err) {
  log.fatal({ err: { message: (err as Error).message } }, "worker cannot start: monitor secrets key");
  process.exit(1);
}
let ssrf: SsrfGuard;
try {
  ssrf = await deploymentGuard();
} catch (err) {
  log.fatal({ err: (err as Error).message }, "invalid probe network settings (SSRF guard); see docs/ssrf.md");
  process.exit(1);
}
if (ssrf.allowCidrs.length > 0) {
  log.warn({ allow: ssrf.allowCidrs }, "SSRF allowlist: every tenant's probes may reach these private targets");
}
log.info({ deny: ssrf.deny.map(describeDenyRule) }, "SSRF platform deny list (no allowlist opens these)");

const app = createWorkerApp({
  log,
  concurrency: env.PROBE_CONCURRENCY,
  flushMs: env.PROBE_FLUSH_MS,
  flushRows: env.PROBE_FLUSH_ROWS,
  redisTickMs: env.PROBE_REDIS_TICK_MS,
  reconcileMs: env.SCHEDULER_RECONCILE_MS,
  ssrf,
  region: env.PROBE_REGION,
});
const health = createHealthServer(app);

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) {
    // Second signal: stop waiting for probes.
    log.warn({ signal }, "forced shutdown: aborting in-flight probes");
    app.abortProbes();
    return;
  }
  stopping = true;
  log.info({ signal }, "shutting down");
  const force = setTimeout(() => {
    log.error("shutdown took too long; exiting");
    process.exit(1);
  }, 30_000);
  force.unref();
  try {
    await app.stop();
    await disconnectAll();
    await new Promise((r) => health.close(r));
    log.info("worker stopped");
    process.exit(0);
  } catch (err) {
    log.error({ err }, "error during shutdown");
    process.exit(1);
  }
}
process.on("SIGTERM", () => void shutdown("SIGTERM"));
process.on("SIGINT", () => void shutdown("SIGINT"));
process.on("unhandledRejection", (err) => log.error({ err }, "unhandled rejection"));

health.listen(env.WORKER_HEALTH_PORT, env.WORKER_HEALTH_HOST, () =>
  log.info({ port: env.WORKER_HEALTH_PORT }, "health server listening (/live, /ready)"),
);

try {
  await app.start();
} catch (err) {
  log.fatal({ err }, "worker failed to start");
  await app.stop().catch(() => {});
  await disconnectAll().catch(() => {});
  process.exit(1);
}
