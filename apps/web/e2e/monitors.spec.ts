import path from "node:path";
import type { Page } from "@playwright/test";
import {
  DEMO_ESTATE_URL,
  expect,
  expectAccessible,
  loginAs,
  SCREENS,
  setTarget,
  test,
  trpcMutation,
  USERS,
} from "./fixtures.ts";

async function shoot(page: Page, name: string) {
  // No toast in flight (they animate over the page), and from the top (the header is sticky).
  await expect(page.locator("[data-sonner-toast]")).toHaveCount(0, { timeout: 15_000 });
  await page.evaluate(() => window.scrollTo(0, 0));
  for (const scheme of ["light", "dark"] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await expect(page.locator("html")).toHaveClass(new RegExp(scheme === "dark" ? "\\bdark\\b" : "\\blight\\b"));
    await page.screenshot({ path: path.join(SCREENS, `${name}-${scheme}.png`), fullPage: true });
    await expectAccessible(page);
  }
}

async function tenantId(page: Page, slug: string): Promise<string> {
  const res = await page.request.get("/api/trpc/me.get");
  const body = (await res.json()) as { result: { data: { json: { tenants: { id: string; slug: string }[] } } } };
  const t = body.result.data.json.tenants.find((x) => x.slug === slug);
  if (!t) throw new Error(`tenant ${slug} not reachable`);
  return t.id;
}

test.describe("monitor list", () => {
  test("search, paginate, sort and filter with the state in the URL; bulk pause and resume", async ({ page }) => {
    test.setTimeout(180_000);
    const run = `list${Date.now().toString(36)}`;
    await loginAs(page, USERS.providerAdmin);
    const initech = await tenantId(page, "initech");
    // 60 monitors on initech, checked once a day (no load), tagged so the tag filter has something.
    for (let i = 0; i < 60; i += 10) {
      await Promise.all(
        Array.from({ length: 10 }, (_, j) => {
          const n = String(i + j + 1).padStart(3, "0");
          return trpcMutation(page, "monitor.create", {
            tenantId: initech,
            name: `${run}-${n}`,
            config: { url: `${DEMO_ESTATE_URL}/healthy?m=${n}` },
            intervalSeconds: 86_400,
          });
        }),
      );
    }

    await page.goto(`/t/initech/monitors?q=${run}`);
    await expect(page.getByRole("heading", { level: 1, name: "Monitors" })).toBeVisible();
    const table = page.getByRole("table", { name: "Monitors" });
    const rows = table.locator("tbody tr");
    await expect(page.getByText("Showing 1–50 of 60")).toBeVisible();
    await expect(rows).toHaveCount(50);
    await expect(rows.first()).toContainText(`${run}-001`);
    await shoot(page, "monitor-list");

    // Page 2 (in the URL; reload keeps it)
    await page.getByRole("button", { name: "Next" }).click();
    await expect(page).toHaveURL(/page=2/);
    await expect(page.getByText("Showing 51–60 of 60")).toBeVisible();
    await page.reload();
    await expect(rows).toHaveCount(10);
    await expect(rows.first()).toContainText(`${run}-051`);

    // Sort by name descending: back to page 1, first row is the last name.
    await page.getByRole("button", { name: /^Monitor/ }).click();
    await expect(page).toHaveURL(/dir=desc/);
    await expect(page).not.toHaveURL(/page=2/);
    await expect(rows.first()).toContainText(`${run}-060`);
    await expect(table.getByRole("columnheader", { name: /Monitor/ })).toHaveAttribute("aria-sort", "descending");

    // Search narrows (debounced into the URL)
    await page.getByRole("searchbox", { name: "Search monitors by name or URL" }).fill(`${run}-04`);
    await expect(page).toHaveURL(new RegExp(`q=${run}-04`));
    await expect(rows).toHaveCount(10);
    await page.getByRole("searchbox", { name: "Search monitors by name or URL" }).fill(run);
    await expect(page.getByText("of 60")).toBeVisible();

    // Keyboard: j / k move between rows, x selects
    await page.getByRole("heading", { level: 1, name: "Monitors" }).click();
    await page.keyboard.press("j");
    await expect(rows.nth(0).getByRole("link")).toBeFocused();
    await page.keyboard.press("j");
    await page.keyboard.press("j");
    await page.keyboard.press("k");
    await expect(rows.nth(1).getByRole("link")).toBeFocused();
    await page.keyboard.press("x");
    await expect(rows.nth(1).getByRole("checkbox")).toBeChecked();
    await page.keyboard.press("x");
    await expect(rows.nth(1).getByRole("checkbox")).not.toBeChecked();

    // Bulk pause three rows
    for (const n of ["060", "059", "058"]) await page.getByRole("checkbox", { name: `Select ${run}-${n}` }).check();
    const bulk = page.getByRole("region", { name: "Bulk actions" });
    await expect(bulk).toContainText("3 selected");
    await bulk.getByRole("button", { name: "Pause" }).click();
    await expect(page.getByText("3 monitors paused")).toBeVisible();
    const pausedFacet = page.getByRole("button", { name: /^Paused/ });
    await expect(pausedFacet).toContainText("3");

    // Filter by status = Paused: URL state, 3 rows, survives a reload
    await pausedFacet.click();
    await expect(page).toHaveURL(/status=PAUSED/);
    await expect(pausedFacet).toHaveAttribute("aria-pressed", "true");
    await expect(rows).toHaveCount(3);
    await page.reload();
    await expect(rows).toHaveCount(3);
    await expect(rows.getByText("Paused")).toHaveCount(3);

    // Resume them all (select the page)
    await page.getByRole("checkbox", { name: "Select all monitors on this page" }).check();
    await page.getByRole("region", { name: "Bulk actions" }).getByRole("button", { name: "Resume" }).click();
    await expect(page.getByText("3 monitors resumed")).toBeVisible();
    await expect(page.getByText("No monitors match")).toBeVisible();

    // Clear filters, then the row's detail link
    await page.getByRole("button", { name: "Clear filters" }).click();
    await expect(page).toHaveURL(/\/t\/initech\/monitors(\?dir=desc)?$/);
    await page.goto(`/t/initech/monitors?q=${run}-007`);
    await rows
      .first()
      .getByRole("link", { name: `${run}-007` })
      .click();
    await expect(page).toHaveURL(/\/t\/initech\/monitors\/[0-9a-f-]{36}$/);
    await expect(page.getByRole("heading", { level: 1, name: `${run}-007` })).toBeVisible();
  });

  test("live: a change made elsewhere shows up without a reload (SSE, not the 30 s safety poll)", async ({ page }) => {
    const run = `live${Date.now().toString(36)}`;
    await loginAs(page, USERS.providerAdmin);
    const initech = await tenantId(page, "initech");
    const m = await trpcMutation<{ id: string }>(page, "monitor.create", {
      tenantId: initech,
      name: run,
      config: { url: `${DEMO_ESTATE_URL}/healthy?m=${run}` },
      intervalSeconds: 86_400,
    });
    await page.goto(`/t/initech/monitors?q=${run}`);
    await expect(page.getByTestId("live-indicator")).toHaveAttribute("data-mode", "live");
    const row = page.getByRole("table", { name: "Monitors" }).locator("tbody tr").first();
    await expect(row).toContainText(run);
    await expect(row.getByText("Paused")).toHaveCount(0);
    // Paused through the API (as another user's tab would): the stream tells this page within ~2 s.
    await trpcMutation(page, "monitor.setPaused", { tenantId: initech, monitorId: m.id, paused: true });
    await expect(row.getByText("Paused")).toBeVisible({ timeout: 10_000 });
  });

  test("a client viewer sees the list without bulk actions or add", async ({ page }) => {
    await loginAs(page, USERS.acmeViewer);
    await page.goto("/t/acme/monitors");
    await expect(page.getByRole("heading", { level: 1, name: "Monitors" })).toBeVisible();
    await expect(page.getByRole("table", { name: "Monitors" })).toBeVisible();
    await expect(page.getByRole("checkbox")).toHaveCount(0);
    await expect(page.getByRole("link", { name: "Add monitor" })).toHaveCount(0);
    await expect(page.getByTestId("live-indicator")).toHaveAttribute("data-mode", "live");
  });
});

test.describe("create and edit", () => {
  // The conflicting name is refused by the server on purpose (the browser logs the 409).
  test.use({ allowedConsole: [/status of 409/] });
  test("validation, test now, create, edit with a server-side field error", async ({ page }) => {
    test.setTimeout(120_000);
    const name = `form${Date.now().toString(36)}`;
    await setTarget(page, name, 200);
    await loginAs(page, USERS.engineer);
    await page.goto("/t/acme/monitors");
    await page.getByRole("link", { name: "Add monitor" }).click();
    await expect(page).toHaveURL(/\/t\/acme\/monitors\/new$/);
    await expect(page.getByRole("heading", { level: 1, name: "Add monitor" })).toBeVisible();

    // Client-side validation from the kind's schema: empty name and URL
    await page.getByRole("button", { name: "Create monitor" }).click();
    await expect(page.getByText("Enter a name")).toBeVisible();
    await expect(page.getByLabel("URL", { exact: true })).toHaveAttribute("aria-invalid", "true");
    await page.getByLabel("Name", { exact: true }).fill(name);
    await page.getByLabel("URL", { exact: true }).fill("not a url");
    await page.getByRole("button", { name: "Test now" }).click();
    await expect(page.getByLabel("URL", { exact: true })).toHaveAttribute("aria-invalid", "true");

    // Test now against the demo estate: shows the result and timings, saves nothing
    await page.getByLabel("URL", { exact: true }).fill(`${DEMO_ESTATE_URL}/targets/${name}`);
    await page.getByLabel("Expected status codes (optional)").fill("200");
    await page.getByRole("button", { name: "Test now" }).click();
    const result = page.getByRole("status", { name: "Test result" });
    await expect(result).toContainText("Up: the check passed");
    await expect(result).toContainText("Status code");
    await expect(result).toContainText(/\d+ ms/);
    await shoot(page, "monitor-new");

    // A failing test shows Down with the reason
    await page.getByLabel("Expected status codes (optional)").fill("204");
    await page.getByRole("button", { name: "Test now" }).click();
    await expect(result).toContainText("Down: the check failed");
    await page.getByLabel("Expected status codes (optional)").fill("");

    // Create → detail page
    await page.getByLabel("Tags", { exact: true }).fill("e2e, edge");
    await page.getByRole("button", { name: "Create monitor" }).click();
    await expect(page).toHaveURL(/\/t\/acme\/monitors\/[0-9a-f-]{36}$/);
    await expect(page.getByRole("heading", { level: 1, name })).toBeVisible();

    // Edit: a name that exists → the server's conflict appears beside the name field
    await page.getByRole("link", { name: "Edit" }).click();
    await expect(page).toHaveURL(/\/edit$/);
    await expect(page.getByLabel("Tags", { exact: true })).toHaveValue("e2e, edge");
    await expect(page.getByLabel("Kind", { exact: true })).toBeDisabled();
    await page.getByLabel("Name", { exact: true }).fill("Website");
    await page.getByLabel("Check interval", { exact: true }).selectOption("30");
    await page.getByRole("button", { name: "Save changes" }).click();
    await expect(page.getByText("A monitor with this name already exists")).toBeVisible();
    await expect(page.getByLabel("Name", { exact: true })).toHaveAttribute("aria-invalid", "true");
    await expect(page).toHaveURL(/\/edit$/);
    await shoot(page, "monitor-edit-error");
    await page.getByLabel("Name", { exact: true }).fill(`${name}-edited`);
    await page.getByRole("button", { name: "Save changes" }).click();
    await expect(page).toHaveURL(/\/t\/acme\/monitors\/[0-9a-f-]{36}$/);
    await expect(page.getByRole("heading", { level: 1, name: `${name}-edited` })).toBeVisible();
    await expect(page.getByText("every 30s")).toBeVisible();
  });
});

test.describe("probe fleet", () => {
  test("provider admin and engineer see the workers; clients and account managers do not", async ({
    page,
    browser,
  }) => {
    await loginAs(page, USERS.providerAdmin);
    await page.getByRole("link", { name: "Probe fleet" }).first().click();
    await expect(page).toHaveURL(/\/fleet$/);
    await expect(page.getByRole("heading", { level: 1, name: "Probe fleet" })).toBeVisible();
    const table = page.getByRole("table", { name: "Probe workers" });
    // The stack's worker beats every 5 s
    await expect(table.locator("tbody tr").filter({ hasText: "Live" }).first()).toBeVisible({ timeout: 20_000 });
    await shoot(page, "fleet");

    for (const user of [USERS.engineer]) {
      const ctx = await browser.newContext();
      const p = await ctx.newPage();
      await loginAs(p, user);
      await p.goto("/fleet");
      await expect(p.getByRole("table", { name: "Probe workers" })).toBeVisible();
      await ctx.close();
    }
  });

  test.describe("not allowed", () => {
    test.use({ allowedConsole: [/status of 404/] });
    test("client admin and account manager get a 404", async ({ page, browser }) => {
      await loginAs(page, USERS.acmeAdmin);
      await expect(page.getByRole("link", { name: "Probe fleet" })).toHaveCount(0);
      await page.goto("/fleet");
      await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
      const ctx = await browser.newContext();
      const p = await ctx.newPage();
      await loginAs(p, USERS.manager);
      await p.goto("/fleet");
      await expect(p.getByRole("heading", { name: "Page not found" })).toBeVisible();
      await ctx.close();
    });
  });
});
