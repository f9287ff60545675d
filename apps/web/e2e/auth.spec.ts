import { expect, loginAs, signOut, test, USERS } from "./fixtures.ts";

test.describe("authentication", () => {
  test("unauthenticated visitors are sent to the login page", async ({ page }) => {
    await page.goto("/t/acme");
    await expect(page).toHaveURL(/\/login\?callbackUrl=%2Ft%2Facme/);
    await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
  });

  test.describe("wrong password", () => {
    // One regex: a two-element array would read as Playwright's [value, options] fixture tuple.
    test.use({ allowedConsole: [/status of (401|429)/] });
    test("shows a clear error", async ({ page }) => {
      await page.goto("/login");
      await page.getByLabel("E-mail").fill(USERS.acmeAdmin);
      await page.getByLabel("Password").fill("not-the-password");
      await page.getByRole("button", { name: "Sign in" }).click();
      await expect(page.locator("form [role=alert]")).toHaveText("Invalid e-mail or password.");
    });

    test("login is rate-limited per IP and e-mail", async ({ page }) => {
      const email = `nobody-${Date.now()}@steward.test`;
      await page.goto("/login");
      await page.getByLabel("E-mail").fill(email);
      for (let i = 0; i < 6; i++) {
        await page.getByLabel("Password").fill(`wrong-${i}`);
        await page.getByRole("button", { name: "Sign in" }).click();
        await expect(page.locator("form [role=alert]")).toBeVisible();
        await expect(page.getByRole("button", { name: "Sign in" })).toBeEnabled();
      }
      await expect(page.locator("form [role=alert]")).toContainText("Too many sign-in attempts");
    });
  });

  test("sign out revokes the session: the old cookie no longer works", async ({ page, context }) => {
    await loginAs(page, USERS.acmeViewer);
    const cookies = await context.cookies();
    await signOut(page);
    // Replay the old session cookie: the server-side session row is revoked, so it must not get in.
    await context.addCookies(cookies);
    await page.goto("/t/acme");
    await expect(page).toHaveURL(/\/login/);
  });

  test("the session cookie is HttpOnly and SameSite=Lax, and carries no user data", async ({ page, context }) => {
    await loginAs(page, USERS.acmeAdmin);
    const cookie = (await context.cookies()).find((c) => /steward\.session$/.test(c.name));
    expect(cookie, "session cookie").toBeTruthy();
    expect(cookie!.httpOnly).toBe(true);
    expect(cookie!.sameSite).toBe("Lax");
    const session = await (await page.request.get("/api/auth/session")).json();
    expect(JSON.stringify(session)).not.toContain("admin@acme.test");
  });

  test("cross-site tRPC mutations are refused", async ({ page }) => {
    await loginAs(page, USERS.engineer);
    const res = await page.request.post("/api/trpc/incident.acknowledge", {
      data: {
        json: { tenantId: "00000000-0000-0000-0000-000000000000", incidentId: "00000000-0000-0000-0000-000000000000" },
      },
      headers: { origin: "https://evil.example", "content-type": "application/json" },
    });
    expect(res.status()).toBe(403);
  });

  test("every response carries the security headers and a nonce CSP", async ({ page }) => {
    const res = await page.goto("/login");
    const h = res!.headers();
    expect(h["content-security-policy"]).toMatch(/script-src 'self' 'nonce-[^']+' 'strict-dynamic'/);
    expect(h["content-security-policy"]).toContain("frame-ancestors 'none'");
    expect(h["x-frame-options"]).toBe("DENY");
    expect(h["x-content-type-options"]).toBe("nosniff");
    expect(h["referrer-policy"]).toBeTruthy();
    expect(h["permissions-policy"]).toBeTruthy();
    expect(h["x-request-id"]).toBeTruthy();
    const api = await page.request.get("/api/health/live");
    expect(api.headers()["x-content-type-options"]).toBe("nosniff");
    expect((await page.request.get("/api/health/ready")).status()).toBe(200);
  });
});
