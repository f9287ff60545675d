import { expect, loginAs, test, USERS } from "./fixtures.ts";

const tenantsList = (page: import("@playwright/test").Page) => page.getByRole("list", { name: "Tenants" });

test.describe("every role sees only what it may", () => {
  test("provider admin sees every client tenant", async ({ page }) => {
    await loginAs(page, USERS.providerAdmin);
    await expect(page).toHaveURL(/\/provider$/);
    for (const name of ["Acme Corp", "Globex", "Initech"])
      await expect(tenantsList(page).getByRole("heading", { name })).toBeVisible();
    await page
      .getByRole("link", { name: /Globex/ })
      .first()
      .click();
    await expect(page).toHaveURL(/\/t\/globex$/);
    await expect(page.getByRole("heading", { level: 1, name: "Globex" })).toBeVisible();
  });

  test.describe("scoped staff", () => {
    test.use({ allowedConsole: [/status of 404/] });
    test("engineer sees Acme and Globex only", async ({ page }) => {
      await loginAs(page, USERS.engineer);
      await expect(tenantsList(page).getByRole("heading", { name: "Acme Corp" })).toBeVisible();
      await expect(tenantsList(page).getByRole("heading", { name: "Globex" })).toBeVisible();
      await expect(tenantsList(page).getByRole("heading", { name: "Initech" })).toHaveCount(0);
      await page.goto("/t/initech");
      await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
    });

    test("account manager sees Initech only", async ({ page }) => {
      await loginAs(page, USERS.manager);
      await expect(tenantsList(page).getByRole("heading", { name: "Initech" })).toBeVisible();
      await expect(tenantsList(page).getByRole("heading", { name: "Acme Corp" })).toHaveCount(0);
      // The tenant switcher lists only reachable tenants.
      await page.getByRole("button", { name: "Switch tenant" }).click();
      await expect(page.getByRole("menuitem", { name: "Initech" })).toBeVisible();
      await expect(page.getByRole("menuitem", { name: "Globex" })).toHaveCount(0);
    });
  });

  test("unscoped engineer sees no tenant", async ({ page }) => {
    await loginAs(page, USERS.unscoped);
    await expect(page.getByText("No tenants in your scope").first()).toBeVisible();
    await expect(page.getByRole("list", { name: "Tenants" })).toHaveCount(0);
  });

  test.describe("client users", () => {
    test.use({ allowedConsole: [/status of 404/] });
    test("acme admin lands on acme and gets not-found for globex", async ({ page }) => {
      await loginAs(page, USERS.acmeAdmin);
      await expect(page).toHaveURL(/\/t\/acme$/);
      await expect(page.getByRole("heading", { level: 1, name: "Acme Corp" })).toBeVisible();
      await expect(page.getByRole("button", { name: "Switch tenant" })).toHaveCount(0);
      const res = await page.goto("/t/globex");
      expect(res?.status()).toBe(404);
      await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
      // The provider view is not theirs: a real 404 (e2e/status-codes.spec.ts covers every page).
      expect((await page.goto("/provider"))?.status()).toBe(404);
    });

    test("globex admin cannot open acme", async ({ page }) => {
      await loginAs(page, USERS.globexAdmin);
      await expect(page).toHaveURL(/\/t\/globex$/);
      await page.goto("/t/acme/incidents");
      await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
    });

    test("initech admin sees initech", async ({ page }) => {
      await loginAs(page, USERS.initechAdmin);
      await expect(page).toHaveURL(/\/t\/initech$/);
    });
  });
});
