import type { Page } from "@playwright/test";
import { expect, loginAs, shoot, test, trpcMutation, USERS } from "./fixtures.ts";

const allowed = (page: Page) => page.getByRole("list", { name: "Allowlist entries" });
/** The entries' targets, in order. */
const targets = (page: Page) => allowed(page).locator("code");
const row = (page: Page, target: string) => allowed(page).getByRole("listitem").filter({ hasText: target });

const entryError = (page: Page) => page.locator("#cidr-entry-error");

/** The id of a tenant the signed-in user reaches (me.get). */
async function tenantId(page: Page, slug: string): Promise<string> {
  const res = await page.request.get("/api/trpc/me.get");
  const body = (await res.json()) as { result: { data: { json: { tenants: { id: string; slug: string }[] } } } };
  const tenant = body.result.data.json.tenants.find((t) => t.slug === slug);
  if (!tenant) throw new Error(`no tenant ${slug}`);
  return tenant.id;
}

/** Removes every entry through the API (the e2e database outlives a run when Playwright is run alone). */
async function clearEntries(page: Page, slug: string) {
  const id = await tenantId(page, slug);
  const res = await page.request.get(
    `/api/trpc/tenant.probeSettings?input=${encodeURIComponent(JSON.stringify({ json: { tenantId: id } }))}`,
  );
  const body = (await res.json()) as { result: { data: { json: { entries: { id: string }[] } } } };
  for (const e of body.result.data.json.entries) {
    await trpcMutation(page, "tenant.removeProbeAllowEntry", { tenantId: id, entryId: e.id });
  }
  return id;
}

test.describe.configure({ mode: "serial" });

test.describe("tenant settings: probe network access", () => {
  test("a client admin requests entries: private ones wait for approval, public ones apply at once", async ({
    page,
  }) => {
    test.slow();
    await loginAs(page, USERS.acmeAdmin);
    await clearEntries(page, "acme");
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Settings" }).click();
    await expect(page).toHaveURL(/\/t\/acme\/settings$/);
    await expect(page.getByRole("heading", { name: "Probe network access" })).toBeVisible();
    await expect(page.getByText("No entries: probes of this tenant reach public addresses only.")).toBeVisible();

    const field = page.getByLabel("Request an address or range with its port");
    const request = page.getByRole("button", { name: "Request", exact: true });
    // Refused entries say why, at once, and are not requested.
    for (const [entry, why] of [
      ["169.254.169.254:80", "cloud metadata address 169.254.169.254"],
      ["10.1.2.3/24:443", "host bits set: write 10.1.2.0/24"],
      ["10.1.2.0/24", "private address space: name the port"],
      ["127.0.0.1:4100", "probe worker itself"],
      ["0.0.0.0/0", "every address"],
    ] as const) {
      await field.fill(entry);
      await request.click();
      await expect(entryError(page)).toContainText(why);
    }
    await expect(page.getByText("No entries: probes of this tenant reach public addresses only.")).toBeVisible();

    // Valid entries are normalised; private ones wait for the provider, a public range applies at once.
    await field.fill("10.1.2.0/24:443");
    await page.getByLabel("Why (shown to the approver)").fill("ERP web front");
    await request.click();
    await expect(row(page, "10.1.2.0/24:443")).toContainText("Waiting for provider approval");
    await field.fill("[FD12:3456:789A::/48]:8000-8100");
    await field.press("Enter");
    await expect(row(page, "[fd12:3456:789a::/48]:8000-8100")).toContainText("Waiting for provider approval");
    await field.fill("8.8.8.0/24");
    await request.click();
    await expect(row(page, "8.8.8.0/24")).toContainText("Approved");
    await field.fill("10.1.2.0/24:443");
    await request.click();
    await expect(entryError(page)).toContainText("10.1.2.0/24:443 is already in the list");
    await field.fill("");
    await expect(targets(page)).toHaveText(["10.1.2.0/24:443", "[fd12:3456:789a::/48]:8000-8100", "8.8.8.0/24"]);
    // A client admin cannot approve.
    await expect(page.getByRole("button", { name: /^Approve / })).toHaveCount(0);
    await shoot(page, "tenant-settings-admin");

    await page.reload();
    await expect(targets(page)).toHaveText(["10.1.2.0/24:443", "[fd12:3456:789a::/48]:8000-8100", "8.8.8.0/24"]);
    await expect(row(page, "10.1.2.0/24:443")).toContainText("ERP web front");
    // Removing needs no approval.
    await page.getByRole("button", { name: "Remove 8.8.8.0/24" }).click();
    await expect(targets(page)).toHaveText(["10.1.2.0/24:443", "[fd12:3456:789a::/48]:8000-8100"]);
  });

  test("a provider admin approves one request and rejects the other", async ({ page }) => {
    await loginAs(page, USERS.providerAdmin);
    await page.goto("/t/acme/settings");
    await expect(row(page, "10.1.2.0/24:443")).toContainText("Waiting for provider approval");
    await page.getByRole("button", { name: "Approve 10.1.2.0/24:443" }).click();
    await expect(row(page, "10.1.2.0/24:443")).toContainText("Approved");
    await expect(row(page, "10.1.2.0/24:443")).toContainText(`approved by ${USERS.providerAdmin}`);
    await page.getByRole("button", { name: "Reject [fd12:3456:789a::/48]:8000-8100" }).click();
    await expect(row(page, "[fd12:3456:789a::/48]:8000-8100")).toContainText("Rejected");
    await expect(page.getByRole("button", { name: /^(Approve|Reject) / })).toHaveCount(0);
    await expect(page.getByText("1 in effect")).toBeVisible();
    await shoot(page, "tenant-settings-provider");
  });

  test("a client viewer sees the list read-only", async ({ page }) => {
    await loginAs(page, USERS.acmeViewer);
    const acmeId = await tenantId(page, "acme");
    await page.goto("/t/acme/settings");
    await expect(page.getByRole("heading", { name: "Probe network access" })).toBeVisible();
    await expect(targets(page)).toHaveText(["10.1.2.0/24:443", "[fd12:3456:789a::/48]:8000-8100"]);
    await expect(
      page.getByText("Only client admins and provider admins can request entries; provider admins approve them."),
    ).toBeVisible();
    await expect(page.getByLabel("Request an address or range with its port")).toHaveCount(0);
    await expect(page.getByRole("button", { name: /Remove|Approve|Reject|Request/ })).toHaveCount(0);
    await shoot(page, "tenant-settings-viewer");
    // The server refuses the change too.
    await expect(
      trpcMutation(page, "tenant.requestProbeAllowEntry", { tenantId: acmeId, target: "10.0.0.0/8:22" }),
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
