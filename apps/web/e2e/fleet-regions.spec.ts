import { expect, loginAs, shoot, test, USERS } from "./fixtures.ts";

test.describe("probe fleet: region coverage", () => {
  test("provider admin sees each region in use with its live workers and monitors", async ({ page }) => {
    await loginAs(page, USERS.providerAdmin);
    await page.goto("/fleet");
    const regions = page.getByRole("table", { name: "Regions" });
    await expect(regions).toBeVisible();
    // The stack's worker runs in region "local", where every demo monitor is probed from.
    const local = regions.locator("tbody tr").filter({ hasText: "local" });
    await expect(local.getByText("Covered")).toBeVisible({ timeout: 20_000 });
    await expect(local.locator("td").nth(2)).toHaveText("1");
    await expect(local.locator("td").nth(3)).not.toHaveText("0");
    await shoot(page, "fleet-regions");
  });
});
