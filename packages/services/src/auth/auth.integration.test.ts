import { withSystem } from "@steward/db";
import { describe, expect, it } from "vitest";
import { RateLimitedError, UnauthenticatedError, ValidationError } from "../errors.ts";
import {
  auditRows,
  createSession,
  createUser,
  liveSessionCount,
  TEST_PASSWORD,
  userContext,
} from "../testing/factories.ts";
import { authenticateWithPassword } from "./authenticate-with-password.ts";
import { CHANGE_PASSWORD_MAX_FAILURES, changePassword } from "./change-password.ts";
import { revokeSession } from "./revoke-session.ts";
import { validateSession } from "./validate-session.ts";

describe("authenticateWithPassword", () => {
  it("creates a 12 h session and audits auth.login", async () => {
    const user = await createUser({ email: "Login.Ok@Example.test" });
    const before = Date.now();
    const s = await authenticateWithPassword({
      email: "  LOGIN.OK@example.test ",
      password: TEST_PASSWORD,
      ip: "10.0.0.1",
      userAgent: "vitest",
    });
    expect(s.userId).toBe(user.id);
    expect(s.expiresAt.getTime() - before).toBeGreaterThan(11.9 * 3600_000);
    expect(s.expiresAt.getTime() - before).toBeLessThanOrEqual(12 * 3600_000 + 5_000);
    expect(await validateSession(s.sessionId)).toMatchObject({ id: user.id, email: user.email });
    const stored = await withSystem((tx) =>
      tx.session.findUniqueOrThrow({ where: { id: s.sessionId }, select: { expiresAt: true, userId: true } }),
    );
    expect(stored).toEqual({ expiresAt: s.expiresAt, userId: user.id });
    const [row] = await auditRows({ action: "auth.login", actorId: user.id });
    expect(row).toMatchObject({ tenantId: null, actorType: "USER", targetId: s.sessionId, ip: "10.0.0.1" });
  });

  it("rejects a wrong password and an unknown e-mail alike, auditing auth.login_failed", async () => {
    const user = await createUser();
    await expect(authenticateWithPassword({ email: user.email, password: "wrong-password" })).rejects.toBeInstanceOf(
      UnauthenticatedError,
    );
    const unknown = authenticateWithPassword({ email: "nobody@example.test", password: TEST_PASSWORD });
    await expect(unknown).rejects.toBeInstanceOf(UnauthenticatedError);
    await expect(unknown).rejects.toThrow("Invalid e-mail or password");
    const failed = await auditRows({ action: "auth.login_failed" });
    expect(failed.find((r) => r.actorId === user.id)?.metadata).toMatchObject({ reason: "bad_password" });
    expect(failed.find((r) => r.actorLabel === "nobody@example.test")).toMatchObject({
      actorId: null,
      metadata: { reason: "unknown_email" },
    });
    expect(await liveSessionCount(user.id)).toBe(0);
  });

  it("refuses a disabled user even with the right password", async () => {
    const user = await createUser({ disabled: true });
    await expect(authenticateWithPassword({ email: user.email, password: TEST_PASSWORD })).rejects.toBeInstanceOf(
      UnauthenticatedError,
    );
  });
});

describe("validateSession / revokeSession", () => {
  it("returns null for garbage, unknown, expired and revoked sessions", async () => {
    const user = await createUser();
    expect(await validateSession("not-a-uuid")).toBeNull();
    expect(await validateSession(null)).toBeNull();
    expect(await validateSession("00000000-0000-4000-8000-000000000000")).toBeNull();
    const expired = await createSession(user.id, { expiresAt: new Date(Date.now() - 1000) });
    expect(await validateSession(expired.id)).toBeNull();
    const revoked = await createSession(user.id, { revoked: true });
    expect(await validateSession(revoked.id)).toBeNull();
    const live = await createSession(user.id);
    expect(await validateSession(live.id)).toMatchObject({ id: user.id, sessionId: live.id });
    expect(await revokeSession(live.id, { requestId: "r1" })).toBe(true);
    expect(await revokeSession(live.id)).toBe(false);
    expect(await validateSession(live.id)).toBeNull();
    expect((await auditRows({ action: "auth.logout", actorId: user.id })).length).toBe(1);
  });
});

describe("changePassword", () => {
  it("verifies the current password, revokes ALL sessions and audits", async () => {
    const user = await createUser();
    const s1 = await createSession(user.id);
    await createSession(user.id);
    const sessionUser = { id: user.id, email: user.email, name: user.name, sessionId: s1.id };
    const ctx = await userContext(sessionUser);

    await expect(
      changePassword(ctx, { currentPassword: "nope-nope-nope", newPassword: "Another-pass-2" }),
    ).rejects.toBeInstanceOf(ValidationError);
    await expect(changePassword(ctx, { currentPassword: TEST_PASSWORD, newPassword: "short" })).rejects.toThrow();
    expect(await liveSessionCount(user.id)).toBe(2);

    const r = await changePassword(ctx, { currentPassword: TEST_PASSWORD, newPassword: "Another-pass-2" });
    expect(r.revokedSessions).toBe(2);
    expect(await liveSessionCount(user.id)).toBe(0);
    expect(await validateSession(s1.id)).toBeNull();
    const [row] = await auditRows({ action: "user.change_password", actorId: user.id });
    expect(row).toMatchObject({ tenantId: null, targetId: user.id, metadata: { revokedSessions: 2 } });

    await expect(authenticateWithPassword({ email: user.email, password: TEST_PASSWORD })).rejects.toBeInstanceOf(
      UnauthenticatedError,
    );
    const fresh = await authenticateWithPassword({ email: user.email, password: "Another-pass-2" });
    expect(await validateSession(fresh.sessionId)).toMatchObject({ id: user.id });
  });

  it("limits wrong current passwords per user: after 5 in 15 minutes even the right one is refused (429)", async () => {
    const user = await createUser();
    const s1 = await createSession(user.id);
    const ctx = {
      ...(await userContext({ id: user.id, email: user.email, name: user.name, sessionId: s1.id })),
      ip: "198.51.100.7",
    };
    for (let i = 0; i < CHANGE_PASSWORD_MAX_FAILURES; i++) {
      await expect(
        changePassword(ctx, { currentPassword: `guess-number-${i}`, newPassword: "Another-pass-2" }),
      ).rejects.toBeInstanceOf(ValidationError);
    }
    const limited = changePassword(ctx, { currentPassword: TEST_PASSWORD, newPassword: "Another-pass-2" });
    await expect(limited).rejects.toBeInstanceOf(RateLimitedError);
    await expect(limited).rejects.toMatchObject({ details: { retryAfterSeconds: expect.any(Number) } });
    expect(await liveSessionCount(user.id)).toBe(1);
    const failed = await auditRows({ action: "user.change_password_failed", actorId: user.id });
    expect(failed).toHaveLength(CHANGE_PASSWORD_MAX_FAILURES);
    expect(failed[0]).toMatchObject({ tenantId: null, targetId: user.id, ip: "198.51.100.7" });
    // Another user is not affected.
    const other = await createUser();
    const s2 = await createSession(other.id);
    const otherCtx = await userContext({ id: other.id, email: other.email, name: other.name, sessionId: s2.id });
    await expect(
      changePassword(otherCtx, { currentPassword: TEST_PASSWORD, newPassword: "Another-pass-2" }),
    ).resolves.toMatchObject({ revokedSessions: 1 });
  });

  it("parallel guesses cannot outrun the limit: of 20 at once, at most 5 are checked", async () => {
    const user = await createUser();
    const s1 = await createSession(user.id);
    const ctx = await userContext({ id: user.id, email: user.email, name: user.name, sessionId: s1.id });
    const outcomes = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) =>
        changePassword(ctx, { currentPassword: `parallel-guess-${i}`, newPassword: "Another-pass-2" }),
      ),
    );
    const reasons = outcomes.map((o) => (o.status === "rejected" ? o.reason : o.value));
    expect(reasons.filter((r) => r instanceof ValidationError)).toHaveLength(CHANGE_PASSWORD_MAX_FAILURES);
    expect(reasons.filter((r) => r instanceof RateLimitedError)).toHaveLength(20 - CHANGE_PASSWORD_MAX_FAILURES);
    expect(await auditRows({ action: "user.change_password_failed", actorId: user.id })).toHaveLength(
      CHANGE_PASSWORD_MAX_FAILURES,
    );
  });

  it("a right password gives its attempt back: only wrong ones count", async () => {
    const user = await createUser();
    const s1 = await createSession(user.id);
    const ctx = await userContext({ id: user.id, email: user.email, name: user.name, sessionId: s1.id });
    for (let i = 0; i < CHANGE_PASSWORD_MAX_FAILURES - 1; i++) {
      await expect(
        changePassword(ctx, { currentPassword: `guess-${i}`, newPassword: "Another-pass-2" }),
      ).rejects.toBeInstanceOf(ValidationError);
    }
    await expect(
      changePassword(ctx, { currentPassword: TEST_PASSWORD, newPassword: "Another-pass-2" }),
    ).resolves.toMatchObject({ revokedSessions: 1 });
  });
});
