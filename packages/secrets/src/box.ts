import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { SecretOpenError, SecretsConfigError } from "./errors.ts";

/**
 * Envelope encryption with AES-256-GCM (ADR 0013).
 *
 * Every `seal` draws a fresh 256-bit data key and a 96-bit nonce, encrypts the plaintext with the data key,
 * and wraps the data key with the current key-encryption key (KEK, from the environment) under its own
 * 96-bit nonce. Both encryptions authenticate the same associated data: the format version, the tenant id,
 * the owning row and the field, so a sealed value copied to another tenant, row or field does not open.
 * The KEK's id travels in clear in the sealed value so that several keys can be held during a rotation.
 *
 * Sealed format (ASCII, safe in JSON, text columns and logs-that-should-not-exist):
 *   sb1.<keyId>.<base64url(wrapNonce‖wrappedDataKey‖wrapTag)>.<base64url(nonce‖ciphertext‖tag)>
 */

/** What a sealed value is bound to. `owner` names the row, e.g. `monitor:<id>`; `field` the column/slot. */
export interface SecretAad {
  tenantId: string;
  owner: string;
  field?: string;
}

export interface SecretKey {
  /** Short id stored in every sealed value: letters, digits, `_` and `-`, at most 32. */
  id: string;
  /** 32 bytes. */
  key: Buffer;
}

export interface SecretBox {
  /** The id new values are sealed under. */
  readonly currentKeyId: string;
  /** Encrypts `plaintext` bound to `aad`. */
  seal(plaintext: string, aad: SecretAad): string;
  /** Decrypts a value sealed for exactly this `aad`; throws `SecretOpenError` otherwise (never garbage). */
  open(sealed: string, aad: SecretAad): string;
  /** True when `sealed` is not under the current key (the `rotate` command re-seals it). */
  needsRotation(sealed: string): boolean;
}

export const SEALED_PREFIX = "sb1.";
const VERSION = "sb1";
const NONCE = 12;
const TAG = 16;
const DATA_KEY = 32;
const WRAPPED = NONCE + DATA_KEY + TAG;
export const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;
const B64URL = /^[A-Za-z0-9_-]*$/;

/** True when `value` looks like a value `seal` produced (cheap prefix test; `open` does the real check). */
export function isSealed(value: unknown): value is string {
  return typeof value === "string" && value.startsWith(SEALED_PREFIX);
}

/** The key id a sealed value names (throws `SecretOpenError("malformed")` for anything else). */
export function sealedKeyId(sealed: string): string {
  return parse(sealed).keyId;
}

function aadBytes(aad: SecretAad, part: "key" | "data", keyId: string): Buffer {
  if (typeof aad?.tenantId !== "string" || aad.tenantId === "" || typeof aad.owner !== "string" || aad.owner === "") {
    throw new TypeError("secrets: associated data needs a non-empty tenantId and owner");
  }
  if (aad.field !== undefined && typeof aad.field !== "string") throw new TypeError("secrets: field must be a string");
  // A JSON array is an unambiguous encoding (no separator can be smuggled inside a component).
  return Buffer.from(JSON.stringify([VERSION, part, keyId, aad.tenantId, aad.owner, aad.field ?? ""]), "utf8");
}

function parse(sealed: string): { keyId: string; wrapped: Buffer; body: Buffer } {
  const bad = (why: string) => new SecretOpenError("malformed", `secrets: not a sealed value (${why})`);
  if (typeof sealed !== "string" || !sealed.startsWith(SEALED_PREFIX)) throw bad("unknown format");
  const parts = sealed.split(".");
  if (parts.length !== 4) throw bad("wrong number of parts");
  const [, keyId, wrapped64, body64] = parts as [string, string, string, string];
  if (!KEY_ID.test(keyId)) throw bad("invalid key id");
  if (!B64URL.test(wrapped64) || !B64URL.test(body64)) throw bad("invalid encoding");
  const wrapped = Buffer.from(wrapped64, "base64url");
  const body = Buffer.from(body64, "base64url");
  if (wrapped.length !== WRAPPED) throw bad("wrapped key has the wrong length");
  if (body.length < NONCE + TAG) throw bad("too short");
  return { keyId, wrapped, body };
}

function encrypt(key: Buffer, plaintext: Buffer, aad: Buffer): Buffer {
  const nonce = randomBytes(NONCE);
  const cipher = createCipheriv("aes-256-gcm", key, nonce, { authTagLength: TAG });
  cipher.setAAD(aad);
  const ct = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([nonce, ct, cipher.getAuthTag()]);
}

/** null when the tag does not verify. */
function decrypt(key: Buffer, blob: Buffer, aad: Buffer): Buffer | null {
  const nonce = blob.subarray(0, NONCE);
  const tag = blob.subarray(blob.length - TAG);
  const ct = blob.subarray(NONCE, blob.length - TAG);
  try {
    const decipher = createDecipheriv("aes-256-gcm", key, nonce, { authTagLength: TAG });
    decipher.setAAD(aad);
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(ct), decipher.final()]);
  } catch {
    return null;
  }
}

export function createSecretBox(options: { keys: readonly SecretKey[]; currentKeyId?: string }): SecretBox {
  const keys = new Map<string, Buffer>();
  for (const k of options.keys) {
    if (!KEY_ID.test(k.id)) throw new SecretsConfigError(`secrets: invalid key id "${k.id}" (letters, digits, _ -)`);
    if (!Buffer.isBuffer(k.key) || k.key.length !== 32) {
      throw new SecretsConfigError(`secrets: key "${k.id}" must be 32 bytes (AES-256)`);
    }
    if (keys.has(k.id)) throw new SecretsConfigError(`secrets: key id "${k.id}" is listed twice`);
    keys.set(k.id, Buffer.from(k.key));
  }
  const currentKeyId = options.currentKeyId ?? options.keys[0]?.id;
  if (!currentKeyId) throw new SecretsConfigError("secrets: no key configured");
  const current = keys.get(currentKeyId);
  if (!current) throw new SecretsConfigError(`secrets: the current key "${currentKeyId}" is not among the keys`);

  return {
    currentKeyId,
    seal(plaintext, aad) {
      if (typeof plaintext !== "string") throw new TypeError("secrets: seal takes a string");
      const dataKey = randomBytes(DATA_KEY);
      try {
        const wrapped = encrypt(current, dataKey, aadBytes(aad, "key", currentKeyId));
        const body = encrypt(dataKey, Buffer.from(plaintext, "utf8"), aadBytes(aad, "data", currentKeyId));
        return `${VERSION}.${currentKeyId}.${wrapped.toString("base64url")}.${body.toString("base64url")}`;
      } finally {
        dataKey.fill(0);
      }
    },
    open(sealed, aad) {
      const { keyId, wrapped, body } = parse(sealed);
      const kek = keys.get(keyId);
      if (!kek) {
        throw new SecretOpenError(
          "unknown_key",
          `secrets: sealed under key "${keyId}", which this process does not hold (add it to STEWARD_SECRETS_KEYS)`,
        );
      }
      const failed = () =>
        new SecretOpenError(
          "auth_failed",
          "secrets: the sealed value does not open for this owner (altered, or bound to another tenant, row or field)",
        );
      const dataKey = decrypt(kek, wrapped, aadBytes(aad, "key", keyId));
      if (!dataKey || dataKey.length !== DATA_KEY) throw failed();
      try {
        const plain = decrypt(dataKey, body, aadBytes(aad, "data", keyId));
        if (!plain) throw failed();
        return plain.toString("utf8");
      } finally {
        dataKey.fill(0);
      }
    },
    needsRotation(sealed) {
      return parse(sealed).keyId !== currentKeyId;
    },
  };
}
