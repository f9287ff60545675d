import { hash, verify } from "@node-rs/argon2";

/** argon2id (the library's default algorithm) with its default, OWASP-grade cost parameters. */
export function hashPassword(password: string): Promise<string> {
  return hash(password);
}

/** False (never throws) for a malformed hash. */
export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

export const PASSWORD_MIN_LENGTH = 10;
export const PASSWORD_MAX_LENGTH = 256;

let dummyHash: Promise<string> | null = null;
/** A real argon2id hash to verify against when the e-mail is unknown, so both paths cost the same. */
export function getDummyHash(): Promise<string> {
  dummyHash ??= hash("steward-dummy-password-for-timing");
  return dummyHash;
}
