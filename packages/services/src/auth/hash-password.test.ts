import { describe, expect, it } from "vitest";
import {
  ARGON2_MAX_ACTIVE,
  ARGON2_MAX_QUEUED,
  hashPassword,
  PasswordHashBusyError,
  passwordHashLoad,
  verifyPassword,
} from "./hash-password.ts";

describe("the argon2 gate", () => {
  it("runs at most ARGON2_MAX_ACTIVE at once and refuses beyond the queue instead of queueing forever", async () => {
    const stored = await hashPassword("Correct-horse-1");
    passwordHashLoad(true);
    const burst = ARGON2_MAX_ACTIVE + ARGON2_MAX_QUEUED + 40;
    const results = await Promise.allSettled(
      Array.from({ length: burst }, (_, i) => verifyPassword(stored, i === 0 ? "Correct-horse-1" : `wrong-${i}`)),
    );
    const load = passwordHashLoad();
    expect(load.peakActive).toBeLessThanOrEqual(ARGON2_MAX_ACTIVE);
    const busy = results.filter((r) => r.status === "rejected");
    expect(busy.length).toBe(burst - ARGON2_MAX_ACTIVE - ARGON2_MAX_QUEUED);
    for (const r of busy) expect((r as PromiseRejectedResult).reason).toBeInstanceOf(PasswordHashBusyError);
    const answered = results
      .filter((r) => r.status === "fulfilled")
      .map((r) => (r as PromiseFulfilledResult<boolean>).value);
    expect(answered[0]).toBe(true);
    expect(answered.slice(1).every((v) => v === false)).toBe(true);
    // The gate drains completely.
    expect(passwordHashLoad()).toMatchObject({ active: 0, queued: 0 });
    // …and serves again afterwards.
    expect(await verifyPassword(stored, "Correct-horse-1")).toBe(true);
  }, 60_000);
});
