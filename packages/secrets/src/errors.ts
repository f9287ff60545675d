/**
 * Why a sealed value did not open. The message never contains the plaintext, the key or the sealed value.
 * - `malformed`: not a value this module sealed (wrong prefix, bad encoding, wrong lengths).
 * - `unknown_key`: sealed under a key id this process does not hold (a retired key, or another install).
 * - `auth_failed`: the GCM tag did not verify: the value was altered, or it is bound to another tenant,
 *   owner or field (a row copied elsewhere). GCM cannot tell these apart, on purpose.
 */
export type SecretOpenFailure = "malformed" | "unknown_key" | "auth_failed";

export class SecretOpenError extends Error {
  override readonly name = "SecretOpenError";
  constructor(
    readonly reason: SecretOpenFailure,
    message: string,
  ) {
    super(message);
  }
}

/** The key configuration is missing or invalid (the process must not start). */
export class SecretsConfigError extends Error {
  override readonly name = "SecretsConfigError";
}
