import { env } from "./env.ts";
import { createDemoEstate } from "./estate.ts";

const LEVELS = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60, silent: 100 } as const;
const threshold = LEVELS[env.LOG_LEVEL];

function log(level: "info" | "debug" | "warn", msg: string, fields: Record<string, unknown> = {}) {
  if (LEVELS[level] < threshold) return;
  // One JSON line per event (pino-compatible shape; the estate has no dependencies beyond zod).
  console.info(JSON.stringify({ level: LEVELS[level], time: Date.now(), name: "demo-estate", msg, ...fields }));
}

const estate = createDemoEstate({ log });
estate.server.listen(env.DEMO_ESTATE_PORT, env.DEMO_ESTATE_HOST, () => {
  const addr = estate.server.address();
  const port = typeof addr === "object" && addr ? addr.port : env.DEMO_ESTATE_PORT;
  log("info", `demo estate listening on http://${env.DEMO_ESTATE_HOST}:${port}`, {
    flapping: estate.flappingUp() ? "up" : "down",
  });
});
estate.server.on("error", (err) => {
  log("warn", `demo estate failed: ${err.message}`);
  process.exit(1);
});

for (const sig of ["SIGTERM", "SIGINT"] as const) {
  process.once(sig, () => {
    log("info", `${sig}: shutting down`);
    estate.server.close(() => process.exit(0));
    setTimeout(() => process.exit(0), 2_000).unref();
  });
}
