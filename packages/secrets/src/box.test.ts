import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  createSecretBox,
  isSealed,
  loadSecretBoxFromEnv,
  parseKeys,
  SecretOpenError,
  SecretsConfigError,
  sealedKeyId,
} from "./index.ts";

const k1 = { id: "k1", key: randomBytes(32) };
const k2 = { id: "k2", key: randomBytes(32) };
const aad = { tenantId: "tenant-a", owner: "monitor:m1", field: "config" };
const CANARY = "canary-Pässwörd-7f3c1e";

function openError(fn: () => unknown): SecretOpenError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(SecretOpenError);
    return err as SecretOpenError;
  }
  throw new Error("expected open to throw");
}

describe("createSecretBox", () => {
  const box = createSecretBox({ keys: [k1] });

  it("round-trips and never shows the plaintext or key in the sealed value", () => {
    const sealed = box.seal(CANARY, aad);
    expect(isSealed(sealed)).toBe(true);
    expect(sealed).not.toContain(CANARY);
    expect(sealed).not.toContain(Buffer.from(CANARY).toString("base64"));
    expect(sealed).not.toContain(k1.key.toString("base64url"));
    expect(sealed).toMatch(/^sb1\.k1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect(box.open(sealed, aad)).toBe(CANARY);
    expect(sealedKeyId(sealed)).toBe("k1");
  });

  it("draws a fresh data key and nonce for every seal", () => {
    const a = box.seal(CANARY, aad);
    const b = box.seal(CANARY, aad);
    expect(a).not.toBe(b);
    expect(a.split(".")[2]).not.toBe(b.split(".")[2]);
    expect(box.open(b, aad)).toBe(CANARY);
  });

  it("seals the empty string and long values", () => {
    expect(box.open(box.seal("", aad), aad)).toBe("");
    const long = "x".repeat(100_000);
    expect(box.open(box.seal(long, aad), aad)).toBe(long);
  });

  it("refuses another tenant, another owner, another field (a copied row)", () => {
    const sealed = box.seal(CANARY, aad);
    for (const other of [
      { ...aad, tenantId: "tenant-b" },
      { ...aad, owner: "monitor:m2" },
      { ...aad, field: "other" },
      { tenantId: aad.tenantId, owner: aad.owner },
    ]) {
      const err = openError(() => box.open(sealed, other));
      expect(err.reason).toBe("auth_failed");
      expect(err.message).not.toContain(CANARY);
    }
  });

  it("cannot be fooled by moving characters between tenant and owner", () => {
    const sealed = box.seal(CANARY, { tenantId: "a", owner: "bc" });
    expect(openError(() => box.open(sealed, { tenantId: "ab", owner: "c" })).reason).toBe("auth_failed");
  });

  it("refuses every single-byte change of the wrapped key and of the body", () => {
    const sealed = box.seal(CANARY, aad);
    const [v, kid, wrapped, body] = sealed.split(".") as [string, string, string, string];
    const flip = (b64: string, i: number) => {
      const buf = Buffer.from(b64, "base64url");
      buf[i] = buf[i]! ^ 0x01;
      return buf.toString("base64url");
    };
    const wrappedLen = Buffer.from(wrapped, "base64url").length;
    for (let i = 0; i < wrappedLen; i++) {
      expect(openError(() => box.open([v, kid, flip(wrapped, i), body].join("."), aad)).reason).toBe("auth_failed");
    }
    const bodyLen = Buffer.from(body, "base64url").length;
    for (let i = 0; i < bodyLen; i++) {
      expect(openError(() => box.open([v, kid, wrapped, flip(body, i)].join("."), aad)).reason).toBe("auth_failed");
    }
    // A wrapped key from another seal (same tenant and owner) does not fit this body.
    const other = box.seal(CANARY, aad).split(".")[2]!;
    expect(openError(() => box.open([v, kid, other, body].join("."), aad)).reason).toBe("auth_failed");
  });

  it("names malformed input and unknown key ids", () => {
    for (const bad of ["", "plain", "sb1.", "sb1.k1.x", "sb1.k1.!!.??", "sb1.k 1.AAAA.AAAA", "sb1.k1.AAAA.AAAA.AAAA"]) {
      expect(openError(() => box.open(bad, aad)).reason).toBe("malformed");
    }
    const truncated = box.seal(CANARY, aad).slice(0, -30);
    expect(["malformed", "auth_failed"]).toContain(openError(() => box.open(truncated, aad)).reason);
    const foreign = createSecretBox({ keys: [k2] }).seal(CANARY, aad);
    const err = openError(() => box.open(foreign, aad));
    expect(err.reason).toBe("unknown_key");
    expect(err.message).toContain('"k2"');
  });

  it("a key with the same id but other bytes fails to open (never garbage)", () => {
    const sealed = box.seal(CANARY, aad);
    const impostor = createSecretBox({ keys: [{ id: "k1", key: randomBytes(32) }] });
    expect(openError(() => impostor.open(sealed, aad)).reason).toBe("auth_failed");
  });

  it("rotates: old values open with both keys held, new ones go under the current key", () => {
    const old = box.seal(CANARY, aad);
    const rotated = createSecretBox({ keys: [k1, k2], currentKeyId: "k2" });
    expect(rotated.currentKeyId).toBe("k2");
    expect(rotated.needsRotation(old)).toBe(true);
    expect(rotated.open(old, aad)).toBe(CANARY);
    const resealed = rotated.seal(rotated.open(old, aad), aad);
    expect(rotated.needsRotation(resealed)).toBe(false);
    expect(sealedKeyId(resealed)).toBe("k2");
    expect(createSecretBox({ keys: [k2] }).open(resealed, aad)).toBe(CANARY);
  });

  it("rejects bad key configuration and bad associated data", () => {
    expect(() => createSecretBox({ keys: [] })).toThrow(SecretsConfigError);
    expect(() => createSecretBox({ keys: [{ id: "k1", key: randomBytes(16) }] })).toThrow(/32 bytes/);
    expect(() => createSecretBox({ keys: [{ id: "bad id", key: randomBytes(32) }] })).toThrow(SecretsConfigError);
    expect(() => createSecretBox({ keys: [k1, k1] })).toThrow(/twice/);
    expect(() => createSecretBox({ keys: [k1], currentKeyId: "k9" })).toThrow(/not among/);
    expect(() => box.seal(CANARY, { tenantId: "", owner: "monitor:m1" })).toThrow(TypeError);
    expect(() => box.seal(CANARY, { tenantId: "t", owner: "" })).toThrow(TypeError);
  });
});

describe("keys from the environment", () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "steward-secrets-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const entry = (k: { id: string; key: Buffer }) => `${k.id}:${k.key.toString("base64")}`;

  it("parses several keys; the first is current unless named", () => {
    const env = { STEWARD_SECRETS_KEYS: `${entry(k2)}, ${entry(k1)}`, NODE_ENV: "production" };
    const box = loadSecretBoxFromEnv(env);
    expect(box.currentKeyId).toBe("k2");
    const named = loadSecretBoxFromEnv({ ...env, STEWARD_SECRETS_CURRENT_KEY: "k1" });
    expect(named.currentKeyId).toBe("k1");
    expect(box.open(named.seal(CANARY, aad), aad)).toBe(CANARY);
    expect(parseKeys(`k3:${randomBytes(32).toString("base64url")}`)[0]!.key).toHaveLength(32);
  });

  it("refuses to start in production (or with NODE_ENV unset) without a key", () => {
    for (const env of [{ NODE_ENV: "production" }, {}, { NODE_ENV: "production", STEWARD_SECRETS_KEYS: " " }]) {
      expect(() => loadSecretBoxFromEnv(env, { devKeyFile: path.join(dir, "never") })).toThrow(SecretsConfigError);
    }
    expect(() => loadSecretBoxFromEnv({ NODE_ENV: "production" })).toThrow(/STEWARD_SECRETS_KEYS/);
  });

  it("refuses invalid entries without echoing the key material", () => {
    const short = randomBytes(16).toString("base64");
    try {
      loadSecretBoxFromEnv({ STEWARD_SECRETS_KEYS: `k1:${short}` });
      throw new Error("expected a config error");
    } catch (err) {
      expect(err).toBeInstanceOf(SecretsConfigError);
      expect((err as Error).message).not.toContain(short);
    }
    expect(() => loadSecretBoxFromEnv({ STEWARD_SECRETS_KEYS: "nocolon" })).toThrow(SecretsConfigError);
  });

  it("generates a development key file once (0600) and reuses it", () => {
    const file = path.join(dir, ".data", "secrets-keys");
    const a = loadSecretBoxFromEnv({ NODE_ENV: "development" }, { devKeyFile: file });
    expect((statSync(file).mode & 0o777).toString(8)).toBe("600");
    const content = readFileSync(file, "utf8");
    const b = loadSecretBoxFromEnv({ NODE_ENV: "test" }, { devKeyFile: file });
    expect(readFileSync(file, "utf8")).toBe(content);
    expect(b.open(a.seal(CANARY, aad), aad)).toBe(CANARY);
  });

  it("reads STEWARD_SECRETS_KEYS_FILE and refuses a missing one", () => {
    const file = path.join(dir, ".data", "secrets-keys");
    const box = loadSecretBoxFromEnv({ NODE_ENV: "production", STEWARD_SECRETS_KEYS_FILE: file });
    expect(box.currentKeyId).toMatch(/^k\d{8}[0-9a-f]{4}$/);
    expect(() =>
      loadSecretBoxFromEnv({ NODE_ENV: "production", STEWARD_SECRETS_KEYS_FILE: path.join(dir, "missing") }),
    ).toThrow(/does not exist/);
  });
});
