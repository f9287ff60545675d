import { loadSecretBoxFromEnv, type SecretAad, type SecretBox } from "@steward/secrets";

/**
 * How "test now" seals the configuration it puts in the job payload, and how the worker opens it: the
 * platform's SecretBox (@steward/secrets: AES-256-GCM envelope, the tenant and `monitor-test:<requestId>`
 * bound as associated data), with the key web and worker share (STEWARD_SECRETS_KEYS …).
 */
export type SealAad = SecretAad;
export type ConfigSealer = Pick<SecretBox, "seal" | "open">;

/** The owner a "test now" config is sealed for: one request, so a sealed value opens for nothing else. */
export const testConfigOwner = (requestId: string) => `monitor-test:${requestId}`;

let box: ConfigSealer | undefined;

/** The process's SecretBox (from the environment), built once. */
export function testConfigSealer(): ConfigSealer {
  box ??= loadSecretBoxFromEnv();
  return box;
}

/** testConfigSealer(), built on first use: a process without a key starts, and only "test now" fails. */
export const lazyTestConfigSealer: ConfigSealer = {
  seal: (plaintext, aad) => testConfigSealer().seal(plaintext, aad),
  open: (sealed, aad) => testConfigSealer().open(sealed, aad),
};
