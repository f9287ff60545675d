#!/usr/bin/env node
// Usage: pnpm secrets:rotate   (or: node scripts/secrets-rotate.mjs)
// Seals monitor secrets still stored in clear and re-seals every sealed value under the current key
// (apps/worker/src/rotate-secrets.ts). Database URLs as `npm start` / scripts/migrate.mjs derive them;
// keys from STEWARD_SECRETS_KEYS / STEWARD_SECRETS_KEYS_FILE, else .data/secrets-keys (development).
// Rotation: docs/operations.md ("Rotating the secrets key").
import { spawn } from "node:child_process";
import path from "node:path";
import { deriveUrls } from "./lib/migrate.mjs";
import { ensureSupportedNode } from "./lib/node.mjs";
import { secretsKeys } from "./lib/stack.mjs";
import { ROOT } from "./lib/util.mjs";

await ensureSupportedNode(); // Node 24 from .tools/ when the system Node is older (re-executes)
const urls = deriveUrls(process.env);
const env = {
  ...process.env,
  DATABASE_URL: urls.databaseUrl,
  APP_DATABASE_URL: urls.appDatabaseUrl,
  SYSTEM_DATABASE_URL: urls.systemDatabaseUrl,
};
const keys = secretsKeys(process.env);
if (keys) env.STEWARD_SECRETS_KEYS = keys;
const tsx = path.join(ROOT, "node_modules", ".bin", "tsx");
const child = spawn(tsx, [path.join(ROOT, "apps", "worker", "src", "rotate-secrets.ts")], {
  cwd: ROOT,
  env,
  stdio: "inherit",
});
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
