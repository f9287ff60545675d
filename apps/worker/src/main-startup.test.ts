import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

// The worker's fail-closed start-up (ADR 0015): `node dist/main.js` runs with no NODE_ENV, which is a
// deployment — built-in role passwords (password = role name, what the derived URLs use) refuse the start.
const run = promisify(execFile);
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const tsx = path.join(ROOT, "node_modules", ".bin", "tsx");

async function start(env: Record<string, string | undefined>) {
  const {
    NODE_ENV: _n,
    ALLOW_DEFAULT_DB_PASSWORDS: _a,
    APP_DATABASE_URL: _app,
    SYSTEM_DATABASE_URL: _sys,
    AUTH_DATABASE_URL: _auth,
    ...base
  } = process.env;
  return run(tsx, ["apps/worker/src/main.ts"], {
    cwd: ROOT,
    env: {
      ...base,
      // Nothing is reachable: the refusal must come before any connection.
      DATABASE_URL: "postgresql://postgres@127.0.0.1:9/steward",
      REDIS_URL: "redis://127.0.0.1:9",
      STEWARD_SECRETS_KEYS: `k:${randomBytes(32).toString("base64")}`,
      WORKER_HEALTH_PORT: "0",
      LOG_LEVEL: "error",
      ...env,
    },
    timeout: 20_000,
  }).then(
    (r) => ({ code: 0, out: `${r.stdout}${r.stderr}` }),
    (e: { code?: number; stdout?: string; stderr?: string }) => ({ code: e.code, out: `${e.stdout}${e.stderr}` }),
  );
}

describe("worker start-up without NODE_ENV (a deployment)", () => {
  it("refuses the built-in database role passwords", async () => {
    const r = await start({});
    expect(r.code).toBe(1);
    expect(r.out).toContain("DefaultDatabasePasswordError");
  });

  it("refuses STEWARD_DEV under NODE_ENV=production (loopback targets are for development only)", async () => {
    const r = await start({
      NODE_ENV: "production",
      ALLOW_DEFAULT_DB_PASSWORDS: "1",
      STEWARD_DEV: "1",
      PROBE_ALLOWED_TARGETS: "127.0.0.1/32:4100",
    });
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/STEWARD_DEV .*NODE_ENV=production/);
  });
});
