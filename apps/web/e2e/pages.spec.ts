import { expect, loginAs, shoot, test, USERS } from "./fixtures.ts";

/** Visit every page as the roles that see it: accessible (axe) in light and dark, screenshots saved. */
test.describe("pages", () => {
  test("login", async ({ page }) => {
    await page.goto("/login");
    await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
    await shoot(page, "login");
  });

  // One test per page: each page is screenshotted and axe-checked in light and dark, which is slow on a
  // 2-core machine running the whole stack, so every page gets its own (tripled) time budget.
  test.describe("as provider admin", () => {
    test.beforeEach(async ({ page }) => {
      test.slow();
      await loginAs(page, USERS.providerAdmin);
    });

    test("provider home", async ({ page }) => {
      await expect(page.getByRole("list", { name: "Tenants" })).toBeVisible();
      await shoot(page, "provider");
    });

    test("tenant overview and monitor detail", async ({ page }) => {
      await page.goto("/t/acme");
      await expect(page.getByRole("heading", { level: 1, name: "Acme Corp" })).toBeVisible();
      await shoot(page, "tenant-overview");

      const firstMonitor = page.getByRole("table").getByRole("link").first();
      await expect(firstMonitor).toBeVisible();
      await firstMonitor.click();
      await expect(page.getByText("Latency, last 24 hours")).toBeVisible();
      await shoot(page, "monitor");
      await page.getByRole("button", { name: "Show table" }).click();
      await expect(
        page.getByRole("columnheader", { name: "p50" }).or(page.getByText("No latency data yet")),
      ).toBeVisible();
    });

    test("incidents and incident detail", async ({ page }) => {
      await page.goto("/t/acme/incidents");
      await expect(page.getByRole("heading", { level: 1, name: "Incidents" })).toBeVisible();
      await shoot(page, "incidents");
      const firstIncident = page.getByRole("table").getByRole("link").first();
      if (await firstIncident.count()) {
        await firstIncident.click();
        await expect(page.getByRole("heading", { name: "Timeline" })).toBeVisible();
        await shoot(page, "incident");
      }
    });

    test("account settings", async ({ page }) => {
      await page.goto("/settings/account");
      await expect(page.getByRole("heading", { name: "Change password" })).toBeVisible();
      await shoot(page, "account");
    });
  });

  test("client admin overview and unscoped empty state", async ({ page, browser }) => {
    await loginAs(page, USERS.acmeAdmin);
    await expect(page.getByRole("heading", { level: 1, name: "Acme Corp" })).toBeVisible();
    await shoot(page, "client-overview");

    const ctx = await browser.newContext();
    const other = await ctx.newPage();
    await loginAs(other, USERS.unscoped);
    await expect(other.getByText("No tenants in your scope").first()).toBeVisible();
    await shoot(other, "unscoped");
    await ctx.close();
  });

  test.describe("not found", () => {
    test.use({ allowedConsole: [/status of 404/] });
    test("friendly 404", async ({ page }) => {
      await loginAs(page, USERS.acmeAdmin);
      await page.goto("/t/globex");
      await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
      await shoot(page, "not-found");
    });
  });

  test("mobile layout", async ({ page }) => {
    await page.setViewportSize({ width: 390, height: 844 });
    await loginAs(page, USERS.engineer);
    await page.goto("/t/acme");
    await expect(page.getByRole("heading", { level: 1, name: "Acme Corp" })).toBeVisible();
    await shoot(page, "mobile-overview");
  });
});
