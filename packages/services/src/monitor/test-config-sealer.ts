import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

/**
 * How "test now" seals the configuration it puts in the job payload, and how the worker opens it.
 *
 * The shape is @steward/secrets' `SecretBox` (AES-256-GCM envelope, tenant + owner bound as associated
 * data; ADR 0013 of the secrets work). Until that package is on main this file is the one place to
 * re-point: `testConfigSealer()` should return `loadSecretBoxFromEnv()` (web and worker share the key).
 */
export interface SealAad {
  tenantId: string;
  owner: string;
  field?: string;
}

export interface ConfigSealer {
  seal(plaintext: string, aad: SealAad): string;
  /** Throws unless `sealed` was sealed for exactly this `aad` (never returns garbage). */
  open(sealed: string, aad: SealAad): string;
}

/** The owner a "test now" config is sealed for: one request, so a sealed value opens for nothing else. */
export const testConfigOwner = (requestId: string) => `monitor-test:${requestId}`;

let sealer: ConfigSealer | undefined;

/**
 * The sealer web and worker share. RE-POINT HERE once @steward/secrets is on main:
 *   `return (sealer ??= loadSecretBoxFromEnv());`
 * Until then: a minimal AES-256-GCM sealer (fresh 96-bit nonce per seal, tenant + owner as associated data)
 * keyed by the first key of the same configuration the secrets package reads (`STEWARD_SECRETS_KEYS`,
 * `STEWARD_SECRETS_KEYS_FILE`, or `<repo>/.data/secrets-keys` in development/test), so nothing changes
 * for an operator when it is re-pointed.
 */
export function testConfigSealer(): ConfigSealer {
  sealer ??= aesGcmSealer(firstConfiguredKey());
  return sealer;
}

/** testConfigSealer(), built on first use: a process without a key starts, and only "test now" fails. */
export const lazyTestConfigSealer: ConfigSealer = {
  seal: (plaintext, aad) => testConfigSealer().seal(plaintext, aad),
  open: (sealed, aad) => testConfigSealer().open(sealed, aad),
};

/** AES-256-GCM, `ts1.<base64url(nonce‖ciphertext‖tag)>`, bound to JSON([tenantId, owner, field]). */
export function aesGcmSealer(key: Buffer): ConfigSealer {
  if (key.length !== 32) throw new Error("sealer: the key must be 32 bytes");
  const aadOf = (aad: SealAad) => {
    if (!aad.tenantId || !aad.owner) throw new TypeError("sealer: tenantId and owner are required");
    return Buffer.from(JSON.stringify(["ts1", aad.tenantId, aad.owner, aad.field ?? ""]));
  };
  return {
    seal(plaintext, aad) {
      const nonce = randomBytes(12);
      const c = createCipheriv("aes-256-gcm", key, nonce);
      c.setAAD(aadOf(aad));
      const body = Buffer.concat([c.update(plaintext, "utf8"), c.final()]);
      return `ts1.${Buffer.concat([nonce, body, c.getAuthTag()]).toString("base64url")}`;
    },
    open(sealed, aad) {
      if (typeof sealed !== "string" || !sealed.startsWith("ts1.")) throw new Error("sealer: not a sealed value");
      const raw = Buffer.from(sealed.slice(4), "base64url");
      if (raw.length < 28) throw new Error("sealer: not a sealed value");
      const d = createDecipheriv("aes-256-gcm", key, raw.subarray(0, 12));
      d.setAAD(aadOf(aad));
      d.setAuthTag(raw.subarray(raw.length - 16));
      return Buffer.concat([d.update(raw.subarray(12, raw.length - 16)), d.final()]).toString("utf8");
    },
  };
}

function firstConfiguredKey(): Buffer {
  let raw = process.env.STEWARD_SECRETS_KEYS?.trim();
  const file = process.env.STEWARD_SECRETS_KEYS_FILE?.trim();
  if (!raw && file) raw = readFileSync(file, "utf8");
  if (!raw) {
    const mode = process.env.NODE_ENV ?? "development";
    if (mode !== "development" && mode !== "test") {
      throw new Error("test now: no encryption key (set STEWARD_SECRETS_KEYS=<id>:<base64 32 bytes>)");
    }
    let dir = process.cwd();
    while (!existsSync(path.join(dir, "pnpm-workspace.yaml")) && path.dirname(dir) !== dir) dir = path.dirname(dir);
    const devFile = path.join(dir, ".data", "secrets-keys");
    if (!existsSync(devFile)) {
      mkdirSync(path.dirname(devFile), { recursive: true });
      const id = `k${new Date().toISOString().slice(0, 10).replaceAll("-", "")}${randomBytes(2).toString("hex")}`;
      try {
        writeFileSync(devFile, `${id}:${randomBytes(32).toString("base64")}\n`, { mode: 0o600, flag: "wx" });
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      }
    }
    raw = readFileSync(devFile, "utf8");
  }
  const entry = raw
    .split(/[,\n]/)
    .map((s) => s.trim())
    .find((s) => s && !s.startsWith("#"));
  const b64 = entry?.slice(entry.indexOf(":") + 1) ?? "";
  const key = Buffer.from(b64, b64.includes("-") || b64.includes("_") ? "base64url" : "base64");
  if (key.length !== 32)
    throw new Error("test now: the first STEWARD_SECRETS_KEYS entry must be <id>:<base64 32 bytes>");
  return key;
}
