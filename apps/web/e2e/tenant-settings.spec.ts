import path from "node:path";
import type { Page } from "@playwright/test";
import { expect, expectAccessible, loginAs, SCREENS, test, trpcMutation, USERS } from "./fixtures.ts";

async function shoot(page: Page, name: string) {
  for (const scheme of ["light", "dark"] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await expect(page.locator("html")).toHaveClass(new RegExp(scheme === "dark" ? "\\bdark\\b" : "\\blight\\b"));
    await page.screenshot({ path: path.join(SCREENS, `${name}-${scheme}.png`), fullPage: true });
    await expectAccessible(page);
  }
}

const allowed = (page: Page) => page.getByRole("list", { name: "Allowed ranges" });

const entryError = (page: Page) => page.locator("#cidr-entry-error");

/** The id of a tenant the signed-in user reaches (me.get). */
async function tenantId(page: Page, slug: string): Promise<string> {
  const res = await page.request.get("/api/trpc/me.get");
  const body = (await res.json()) as { result: { data: { json: { tenants: { id: string; slug: string }[] } } } };
  const tenant = body.result.data.json.tenants.find((t) => t.slug === slug);
  if (!tenant) throw new Error(`no tenant ${slug}`);
  return tenant.id;
}

/** Sets the allowlist through the API (the e2e database outlives a run when Playwright is run alone). */
async function setAllowlist(page: Page, slug: string, cidrs: string[]) {
  await trpcMutation(page, "tenant.updateProbeAllowlist", { tenantId: await tenantId(page, slug), cidrs });
}

test.describe("tenant settings: probe network access", () => {
  test("a client admin adds and removes ranges; the list persists", async ({ page }) => {
    test.slow();
    await loginAs(page, USERS.acmeAdmin);
    await setAllowlist(page, "acme", []);
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Settings" }).click();
    await expect(page).toHaveURL(/\/t\/acme\/settings$/);
    await expect(page.getByRole("heading", { name: "Probe network access" })).toBeVisible();
    await expect(page.getByText("No ranges allowed")).toBeVisible();

    const field = page.getByLabel("Add an address or range");
    const add = page.getByRole("button", { name: "Add", exact: true });
    // Refused entries say why, at once, and are not added.
    await field.fill("169.254.169.254");
    await add.click();
    await expect(entryError(page)).toContainText("cloud metadata address 169.254.169.254");
    await field.fill("10.1.2.3/24");
    await add.click();
    await expect(entryError(page)).toContainText("host bits set: write 10.1.2.0/24");
    await field.fill("0.0.0.0/0");
    await add.click();
    await expect(entryError(page)).toContainText("every address");
    await expect(page.getByText("No ranges allowed")).toBeVisible();

    // Valid entries are normalised; a duplicate is refused.
    await field.fill("10.1.2.0/24");
    await add.click();
    await field.fill("FD12:3456:789A::/48");
    await field.press("Enter");
    await field.fill("127.0.0.1");
    await add.click();
    await field.fill("10.1.2.0/24");
    await add.click();
    await expect(entryError(page)).toContainText("10.1.2.0/24 is already in the list");
    await field.fill("");
    await expect(allowed(page).getByRole("listitem")).toHaveText([
      "10.1.2.0/24",
      "fd12:3456:789a::/48",
      "127.0.0.1/32",
    ]);
    await expect(page.getByText("Unsaved changes")).toBeVisible();
    await shoot(page, "tenant-settings-admin");

    await page.getByRole("button", { name: "Save changes" }).click();
    await expect(page.getByText("Probe network access saved")).toBeVisible();
    await expect(page.getByRole("button", { name: "Save changes" })).toBeDisabled();

    await page.reload();
    await expect(allowed(page).getByRole("listitem")).toHaveText([
      "10.1.2.0/24",
      "fd12:3456:789a::/48",
      "127.0.0.1/32",
    ]);

    // Remove one, discard; remove one, save.
    await page.getByRole("button", { name: "Remove 127.0.0.1/32" }).click();
    await expect(allowed(page).getByRole("listitem")).toHaveCount(2);
    await page.getByRole("button", { name: "Discard" }).click();
    await expect(allowed(page).getByRole("listitem")).toHaveCount(3);
    await page.getByRole("button", { name: "Remove 127.0.0.1/32" }).click();
    await page.getByRole("button", { name: "Save changes" }).click();
    await expect(page.getByText("Probe network access saved")).toBeVisible();
    await page.reload();
    await expect(allowed(page).getByRole("listitem")).toHaveText(["10.1.2.0/24", "fd12:3456:789a::/48"]);
  });

  test("a client viewer sees the list read-only", async ({ page }) => {
    await loginAs(page, USERS.acmeAdmin);
    const acmeId = await tenantId(page, "acme");
    await setAllowlist(page, "acme", ["192.168.50.0/24"]);
    await page.context().clearCookies();

    await loginAs(page, USERS.acmeViewer);
    await page.goto("/t/acme/settings");
    await expect(page.getByRole("heading", { name: "Probe network access" })).toBeVisible();
    await expect(allowed(page).getByRole("listitem")).toHaveText(["192.168.50.0/24"]);
    await expect(page.getByText("Only client admins and provider admins can change this list.")).toBeVisible();
    await expect(page.getByLabel("Add an address or range")).toHaveCount(0);
    await expect(page.getByRole("button", { name: /Remove|Save changes/ })).toHaveCount(0);
    await shoot(page, "tenant-settings-viewer");
    // The server refuses the change too.
    await expect(
      trpcMutation(page, "tenant.updateProbeAllowlist", { tenantId: acmeId, cidrs: ["10.0.0.0/8"] }),
    ).rejects.toThrow(/FORBIDDEN/);
  });

  test.describe("foreign tenant", () => {
    test.use({ allowedConsole: [/status of 404/] });
    test("another tenant's settings URL is not found", async ({ page }) => {
      await loginAs(page, USERS.acmeAdmin);
      const res = await page.goto("/t/globex/settings");
      expect(res?.status()).toBe(404);
      await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
    });
  });
});
