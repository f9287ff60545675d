import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { createSecretBox, KEY_ID, type SecretBox, type SecretKey } from "./box.ts";
import { SecretsConfigError } from "./errors.ts";

/**
 * Key configuration (ADR 0013, docs/operations.md):
 * - `STEWARD_SECRETS_KEYS`: `<id>:<base64 32 bytes>[,<id>:<base64 32 bytes>…]` (commas or newlines).
 * - `STEWARD_SECRETS_CURRENT_KEY`: the id new values are sealed under (default: the first listed).
 * - `STEWARD_SECRETS_KEYS_FILE`: a file holding the same list, instead of the variable.
 * In development and test (NODE_ENV=development|test) without either, a key is generated once into
 * `<repo>/.data/secrets-keys` (as `npm start` does for the auth secret). Anywhere else a missing key is an
 * error: the process must not start.
 */
export const KEYS_ENV = "STEWARD_SECRETS_KEYS";
export const CURRENT_KEY_ENV = "STEWARD_SECRETS_CURRENT_KEY";
export const KEYS_FILE_ENV = "STEWARD_SECRETS_KEYS_FILE";
export const DEV_KEYS_FILE = path.join(".data", "secrets-keys");

/** A fresh `<id>:<base64>` entry (the id dates the key: `k20261204a1b2`). */
export function generateKeyEntry(now = new Date()): string {
  const id = `k${now.toISOString().slice(0, 10).replaceAll("-", "")}${randomBytes(2).toString("hex")}`;
  return `${id}:${randomBytes(32).toString("base64")}`;
}

/** Parses the key list; throws `SecretsConfigError` naming the bad entry's id (never its key). */
export function parseKeys(raw: string): SecretKey[] {
  const entries = raw
    .split(/[,\n]/)
    .map((s) => s.trim())
    .filter((s) => s && !s.startsWith("#"));
  if (entries.length === 0) throw new SecretsConfigError(`secrets: ${KEYS_ENV} lists no key`);
  return entries.map((entry, i) => {
    const colon = entry.indexOf(":");
    const id = colon > 0 ? entry.slice(0, colon) : "";
    if (!KEY_ID.test(id)) {
      throw new SecretsConfigError(`secrets: key entry ${i + 1} must be <id>:<base64 key> (id: letters, digits, _ -)`);
    }
    const b64 = entry.slice(colon + 1);
    const key = Buffer.from(b64, b64.includes("-") || b64.includes("_") ? "base64url" : "base64");
    if (key.length !== 32) throw new SecretsConfigError(`secrets: key "${id}" must decode to 32 bytes (AES-256)`);
    return { id, key };
  });
}

function repoRoot(from: string): string {
  let dir = path.resolve(from);
  for (;;) {
    if (existsSync(path.join(dir, "pnpm-workspace.yaml"))) return dir;
    const up = path.dirname(dir);
    if (up === dir) return path.resolve(from);
    dir = up;
  }
}

/** Reads the development key file, creating it (0600, exclusive: concurrent processes agree) if absent. */
export function ensureDevKeyFile(file: string): string {
  if (!existsSync(file)) {
    mkdirSync(path.dirname(file), { recursive: true });
    try {
      writeFileSync(file, `${generateKeyEntry()}\n`, { mode: 0o600, flag: "wx" });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    }
  }
  const raw = readFileSync(file, "utf8");
  if (raw.trim() === "") throw new SecretsConfigError(`secrets: ${file} is empty`);
  return raw;
}

export interface LoadOptions {
  /** Where the development key file lives (default `<repo>/.data/secrets-keys`). */
  devKeyFile?: string;
  cwd?: string;
}

/** The key list the environment configures (see the module comment). */
export function keysFromEnv(env: Record<string, string | undefined>, options: LoadOptions = {}): string {
  const inline = env[KEYS_ENV]?.trim();
  if (inline) return inline;
  const file = env[KEYS_FILE_ENV]?.trim();
  if (file) {
    if (!existsSync(file)) throw new SecretsConfigError(`secrets: ${KEYS_FILE_ENV}=${file} does not exist`);
    return readFileSync(file, "utf8");
  }
  const mode = env.NODE_ENV;
  if (mode === "development" || mode === "test") {
    return ensureDevKeyFile(options.devKeyFile ?? path.join(repoRoot(options.cwd ?? process.cwd()), DEV_KEYS_FILE));
  }
  throw new SecretsConfigError(
    `secrets: no encryption key. Set ${KEYS_ENV}=<id>:<base64 32 bytes> (e.g. \`node -e "console.log('k1:'+require('crypto').randomBytes(32).toString('base64'))"\`) or ${KEYS_FILE_ENV}; a key is generated only in development (NODE_ENV=development).`,
  );
}

/** The SecretBox the environment configures; throws `SecretsConfigError` when there is none. */
export function loadSecretBoxFromEnv(
  env: Record<string, string | undefined> = process.env,
  options: LoadOptions = {},
): SecretBox {
  const keys = parseKeys(keysFromEnv(env, options));
  return createSecretBox({ keys, currentKeyId: env[CURRENT_KEY_ENV]?.trim() || undefined });
}
