import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { createSecretBox } from "@steward/secrets";
import { type CreateMonitorInput, createMonitor, openMonitorSecrets, useSecretBox } from "@steward/services";
import { createWorld, tenantContext } from "@steward/services/testing";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// The operator commands as they are run: `pnpm secrets:rotate` (node scripts/secrets-rotate.mjs) against
// this file's database, and the worker's refusal to start without a key outside development.

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const run = promisify(execFile);
const k1 = { id: "kold", key: randomBytes(32) };
const k2 = { id: "knew", key: randomBytes(32) };
const entry = (k: { id: string; key: Buffer }) => `${k.id}:${k.key.toString("base64")}`;
let admin: pg.Pool;

beforeAll(() => {
  admin = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 1 });
});
afterAll(async () => {
  await admin?.end();
});

describe("pnpm secrets:rotate", () => {
  it("re-seals every monitor secret under the current key; a second run changes nothing", async () => {
    useSecretBox(createSecretBox({ keys: [k1] }));
    const w = await createWorld();
    const ctx = await tenantContext(w.personas.engineerA.user, w.tenants.A.id);
    const m = await createMonitor(ctx, {
      name: "to rotate",
      kind: "REDIS",
      config: { host: "cache.example.com", port: 6379, password: "rotate-me" },
    } as CreateMonitorInput);
    const env = { ...process.env, NODE_ENV: "production", STEWARD_SECRETS_KEYS: `${entry(k2)},${entry(k1)}` };
    const first = await run(process.execPath, ["scripts/secrets-rotate.mjs"], { cwd: ROOT, env });
    expect(first.stdout).toMatch(
      /current key knew; 0 monitor\(s\) had plaintext .*; 1 value\(s\) of 1 monitor\(s\) re-sealed; 0 could not/,
    );
    const second = await run(process.execPath, ["scripts/secrets-rotate.mjs"], { cwd: ROOT, env });
    expect(second.stdout).toMatch(/0 value\(s\) of 0 monitor\(s\) re-sealed/);
    const { rows } = await admin.query<{ tenant_id: string; secrets: Record<string, string> }>(
      "SELECT tenant_id, secrets FROM monitors WHERE id = $1",
      [m.id],
    );
    expect(rows[0]!.secrets.password).toMatch(/^sb1\.knew\./);
    const onlyNew = createSecretBox({ keys: [k2] });
    expect(openMonitorSecrets(rows[0]!.tenant_id, m.id, rows[0]!.secrets, onlyNew)).toEqual({ password: "rotate-me" });
  });

  it("without a key outside development, the worker and the command refuse to start", async () => {
    const { STEWARD_SECRETS_KEYS: _a, STEWARD_SECRETS_KEYS_FILE: _b, ...base } = process.env;
    const tsx = path.join(ROOT, "node_modules", ".bin", "tsx");
    for (const [cmd, args] of [
      [tsx, ["apps/worker/src/main.ts"]],
      [tsx, ["apps/worker/src/rotate-secrets.ts"]],
    ] as const) {
      const err = await run(cmd, args, {
        cwd: ROOT,
        env: { ...base, NODE_ENV: "production", WORKER_HEALTH_PORT: "0" },
        timeout: 20_000,
      }).catch((e: { code?: number; stdout?: string; stderr?: string }) => e);
      expect((err as { code?: number }).code, args[0]).toBe(1);
      const out = `${(err as { stdout?: string }).stdout}${(err as { stderr?: string }).stderr}`;
      expect(out).toContain("STEWARD_SECRETS_KEYS");
    }
  });
});
