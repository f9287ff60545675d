import { availableParallelism } from "node:os";
import { hash, verify } from "@node-rs/argon2";
import { RateLimitedError } from "../errors.ts";

/**
 * argon2id costs ~tens of ms of CPU and MiBs of memory per call, on libuv's small thread pool: a burst of
 * logins must not queue without bound (memory, latency for everyone, and the pool is shared with DNS and
 * file I/O). At most ARGON2_MAX_ACTIVE run at once and ARGON2_MAX_QUEUED wait; beyond that the call fails
 * at once with PasswordHashBusyError ("busy, retry in a second": HTTP 429 / 503 with Retry-After).
 */
export const ARGON2_MAX_ACTIVE = Math.max(1, Math.min(4, availableParallelism()));
export const ARGON2_MAX_QUEUED = 32;

export class PasswordHashBusyError extends RateLimitedError {
  constructor() {
    super("The server is busy checking passwords; try again in a moment", { retryAfterSeconds: 1 });
  }
}

let active = 0;
let peakActive = 0;
const waiting: (() => void)[] = [];

async function withArgon2Slot<T>(work: () => Promise<T>): Promise<T> {
  if (active >= ARGON2_MAX_ACTIVE) {
    if (waiting.length >= ARGON2_MAX_QUEUED) throw new PasswordHashBusyError();
    await new Promise<void>((resolve) => waiting.push(resolve));
  } else {
    active++;
  }
  peakActive = Math.max(peakActive, active);
  try {
    return await work();
  } finally {
    // Hand the slot straight to the next waiter (active stays the same), or free it.
    const next = waiting.shift();
    if (next) next();
    else active--;
  }
}

/** How busy the argon2 gate is (tests and diagnostics). `peakActive` since start or the last reset. */
export function passwordHashLoad(reset = false): { active: number; queued: number; peakActive: number } {
  const load = { active, queued: waiting.length, peakActive };
  if (reset) peakActive = active;
  return load;
}

/** argon2id (the library's default algorithm) with its default, OWASP-grade cost parameters. */
export function hashPassword(password: string): Promise<string> {
  return withArgon2Slot(() => hash(password));
}

/** False for a malformed hash; throws PasswordHashBusyError only when the gate is full. */
export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  return withArgon2Slot(async () => {
    try {
      return await verify(passwordHash, password);
    } catch {
      return false;
    }
  });
}

export const PASSWORD_MIN_LENGTH = 10;
export const PASSWORD_MAX_LENGTH = 256;

let dummyHash: Promise<string> | null = null;
/** A real argon2id hash to verify against when the e-mail is unknown, so both paths cost the same. */
export function getDummyHash(): Promise<string> {
  dummyHash ??= hash("steward-dummy-password-for-timing");
  return dummyHash;
}
