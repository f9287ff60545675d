import type { Page } from "@playwright/test";
import { parse } from "csv-parse/sync";
import { DEMO_ESTATE_URL, expect, loginAs, setTarget, shoot, signOut, test, trpcMutation, USERS } from "./fixtures.ts";

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
    await expect(page.getByText("e2e", { exact: true })).toBeVisible();

    // Edit: a name that exists → the server's conflict appears beside the name field
    await page.getByRole("link", { name: "Edit" }).click();
    await expect(page).toHaveURL(/\/edit$/);
    // Tags came back as chips (each removable by its own button).
    await expect(page.getByRole("button", { name: "Remove tag e2e" })).toBeVisible();
    await expect(page.getByRole("button", { name: "Remove tag edge" })).toBeVisible();
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

test.describe("regions and quorum", () => {
  // The API call with a quorum above the regions is refused on purpose (400).
  test.use({ allowedConsole: [/status of 400/] });
  test("pick regions (free entry too) and N of M in the form; the detail page shows each region", async ({ page }) => {
    test.setTimeout(120_000);
    const name = `regions${Date.now().toString(36)}`;
    await loginAs(page, USERS.engineer);
    await page.goto("/t/acme/monitors/new");
    await page.getByLabel("Name", { exact: true }).fill(name);
    await page.getByLabel("URL", { exact: true }).fill(`${DEMO_ESTATE_URL}/healthy?r=${name}`);

    // "local" (the stack's worker, live) is preselected; a new region by free entry, validated.
    const regions = page.getByRole("group", { name: "Regions" });
    await expect(regions.getByRole("checkbox", { name: /^local live/ })).toBeChecked();
    const add = regions.getByLabel("Add a region");
    await add.fill("EU West!");
    await regions.getByRole("button", { name: "Add" }).click();
    await expect(regions.getByText("1–32 lowercase letters, digits or dashes")).toBeVisible();
    await add.fill("eu-west");
    await add.press("Enter");
    await expect(regions.getByRole("checkbox", { name: /^eu-west no live worker/ })).toBeChecked();

    // Quorum above the region count: a field error, nothing created.
    const quorum = page.getByLabel("Down when", { exact: true });
    await quorum.fill("3");
    await page.getByRole("button", { name: "Create monitor" }).click();
    await expect(page.getByText("At most 2: the monitor has 2 regions")).toBeVisible();
    await expect(quorum).toHaveAttribute("aria-invalid", "true");
    await expect(page).toHaveURL(/\/monitors\/new$/);
    await quorum.fill("2");
    await expect(page.getByText("At most 2: the monitor has 2 regions")).toHaveCount(0);
    await page.getByLabel("Tags", { exact: true }).fill("multi-region");
    await page.getByLabel("Tags", { exact: true }).press("Enter");
    await shoot(page, "monitor-new-regions");
    await page.getByRole("button", { name: "Create monitor" }).click();
    await expect(page).toHaveURL(/\/t\/acme\/monitors\/[0-9a-f-]{36}$/);
    const monitorId = page.url().split("/").at(-1) ?? "";

    // Detail: one row per region; eu-west has no worker and no data yet (UNKNOWN).
    await expect(page.getByText("2 regions, down when 2 agree")).toBeVisible();
    await expect(page.getByText("multi-region", { exact: true })).toBeVisible();
    const table = page.getByRole("table", { name: "State per region" });
    await expect(table.locator("tbody tr")).toHaveCount(2);
    const eu = table.locator("tr[data-region=eu-west]");
    await expect(eu).toContainText("no data yet");
    await expect(eu).toContainText("Unknown");
    await expect(eu).toContainText("no live worker");
    await expect(table.locator("tr[data-region=local]")).not.toContainText("no live worker");
    await shoot(page, "monitor-detail-regions");

    // The server refuses an inconsistent quorum too (field error), and nothing changes.
    const acme = await tenantId(page, "acme");
    await expect(
      trpcMutation(page, "monitor.update", { tenantId: acme, monitorId, regions: ["local"] }),
    ).rejects.toThrow(/regionQuorum/);

    // Edit: drop eu-west — the quorum must follow (error until it does), then saved.
    await page.getByRole("link", { name: "Edit" }).click();
    await expect(
      page.getByRole("group", { name: "Regions" }).getByRole("checkbox", { name: /^eu-west/ }),
    ).toBeChecked();
    await expect(page.getByLabel("Down when", { exact: true })).toHaveValue("2");
    await page
      .getByRole("group", { name: "Regions" })
      .getByRole("checkbox", { name: /^eu-west/ })
      .uncheck();
    await page.getByRole("button", { name: "Save changes" }).click();
    await expect(page.getByText("At most 1: the monitor has 1 region")).toBeVisible();
    await page.getByLabel("Down when", { exact: true }).fill("1");
    await page.getByRole("button", { name: "Save changes" }).click();
    await expect(page).toHaveURL(new RegExp(`/monitors/${monitorId}$`));
    await expect(page.getByText("region local", { exact: true })).toBeVisible();
    await expect(page.getByRole("table", { name: "State per region" }).locator("tbody tr")).toHaveCount(1);
  });
});

test.describe("export and columns", () => {
  test.use({ allowedConsole: [/status of 404/] });
  test("CSV export holds every matching row (not just the page), filtered, formula cells neutralised", async ({
    page,
    browser,
  }) => {
    test.setTimeout(180_000);
    const run = `csv${Date.now().toString(36)}`;
    await loginAs(page, USERS.engineer);
    const globex = await tenantId(page, "globex");
    const created: { id: string }[] = [];
    for (let i = 0; i < 60; i += 10) {
      created.push(
        ...(await Promise.all(
          Array.from({ length: 10 }, (_, j) =>
            trpcMutation<{ id: string }>(page, "monitor.create", {
              tenantId: globex,
              name: `${run}-${String(i + j + 1).padStart(3, "0")}`,
              config: { url: `${DEMO_ESTATE_URL}/healthy?m=${run}${i + j}` },
              intervalSeconds: 86_400,
              tags: ["csv"],
            }),
          ),
        )),
      );
    }
    await trpcMutation(page, "monitor.create", {
      tenantId: globex,
      name: `=HYPERLINK("http://evil.test","${run}")`,
      config: { url: `${DEMO_ESTATE_URL}/healthy?m=${run}evil` },
      intervalSeconds: 86_400,
    });
    await trpcMutation(page, "monitor.setPaused", { tenantId: globex, monitorId: created[0]?.id, paused: true });

    await page.goto(`/t/globex/monitors?q=${run}`);
    await expect(page.getByText("Showing 1–50 of 61")).toBeVisible();
    const exportLink = page.getByRole("link", { name: /^Export CSV/ });
    await expect(exportLink).toHaveAccessibleName(/all 61 matching monitors, not just this page/);
    const [download] = await Promise.all([page.waitForEvent("download"), exportLink.click()]);
    expect(download.suggestedFilename()).toMatch(/^monitors-globex-\d{4}-\d{2}-\d{2}\.csv$/);
    const text = await (await import("node:fs/promises")).readFile((await download.path()) ?? "", "utf8");
    expect(text.startsWith("\uFEFF")).toBe(true);
    const rows = parse(text, { bom: true });
    expect(rows[0]?.slice(0, 4)).toEqual(["Name", "Status", "Kind", "Target"]);
    expect(rows.length).toBe(62);
    const names = rows.slice(1).map((r) => r[0]);
    expect(names).toContain(`${run}-060`);
    expect(names).toContain(`'=HYPERLINK("http://evil.test","${run}")`);
    expect(text).not.toMatch(/(^|[\r\n,])=HYPERLINK/);

    // The list's filter goes along: paused only → one row.
    await page.getByRole("button", { name: /^Paused/ }).click();
    await expect(page).toHaveURL(/status=PAUSED/);
    const res = await page.request.get(`/t/globex/monitors/export.csv?q=${run}&status=PAUSED`);
    expect(res.status()).toBe(200);
    expect(res.headers()["content-type"]).toContain("text/csv");
    const paused = parse(await res.text(), { bom: true });
    expect(paused.map((r) => r[0])).toEqual(["Name", `${run}-001`]);
    expect(paused[1]?.[1]).toBe("PAUSED");

    // Tenancy: a client of another tenant gets a 404; no session → the login page, not the data.
    const ctx = await browser.newContext();
    const other = await ctx.newPage();
    await loginAs(other, USERS.acmeViewer);
    const foreign = await other.request.get(`/t/globex/monitors/export.csv?q=${run}`);
    expect(foreign.status()).toBe(404);
    expect(await foreign.text()).not.toContain(run);
    await ctx.close();
    const anon = await browser.newContext();
    const noSession = await anon.request.get(`/t/globex/monitors/export.csv?q=${run}`, { maxRedirects: 0 });
    expect(noSession.status()).toBe(307);
    expect(noSession.headers().location).toContain("/login");
    await anon.close();
  });

  test("column visibility: toggled from the Columns menu, kept per user across reloads", async ({ page }) => {
    test.setTimeout(120_000);
    await loginAs(page, USERS.providerAdmin);
    await page.goto("/t/initech/monitors");
    const table = page.getByRole("table", { name: "Monitors" });
    await expect(table.getByRole("columnheader", { name: "Kind" })).toBeVisible();
    await expect(table.getByRole("columnheader", { name: "Regions" })).toHaveCount(0);

    await page.getByRole("button", { name: "Columns" }).click();
    const menu = page.getByRole("menu");
    await menu.getByRole("menuitemcheckbox", { name: "Kind" }).click();
    // The menu stays open while toggling.
    await menu.getByRole("menuitemcheckbox", { name: "Regions" }).click();
    await expect(menu.getByRole("menuitemcheckbox", { name: "Kind" })).toHaveAttribute("aria-checked", "false");
    await shoot(page, "monitor-list-columns");
    await page.keyboard.press("Escape");
    await expect(table.getByRole("columnheader", { name: "Kind" })).toHaveCount(0);
    await expect(table.getByRole("columnheader", { name: "Regions" })).toBeVisible();
    await expect(page.getByRole("button", { name: "Columns (changed)" })).toBeVisible();

    await page.reload();
    await expect(table.getByRole("columnheader", { name: "Regions" })).toBeVisible();
    await expect(table.getByRole("columnheader", { name: "Kind" })).toHaveCount(0);
    await expect(table.locator("tbody tr").first()).toContainText("local");

    // Another user in the same browser keeps the defaults.
    await signOut(page);
    await loginAs(page, USERS.engineer);
    await page.goto("/t/acme/monitors");
    await expect(table.getByRole("columnheader", { name: "Kind" })).toBeVisible();
    await expect(table.getByRole("columnheader", { name: "Regions" })).toHaveCount(0);

    // Back as the first user: still theirs; "Reset to default" by keyboard.
    await signOut(page);
    await loginAs(page, USERS.providerAdmin);
    await page.goto("/t/initech/monitors");
    await expect(table.getByRole("columnheader", { name: "Regions" })).toBeVisible();
    await page.getByRole("button", { name: /^Columns/ }).focus();
    await page.keyboard.press("Enter");
    await page.getByRole("menuitem", { name: "Reset to default" }).focus();
    await page.keyboard.press("Enter");
    await expect(table.getByRole("columnheader", { name: "Kind" })).toBeVisible();
    await expect(table.getByRole("columnheader", { name: "Regions" })).toHaveCount(0);
  });
});

test.describe("90-day uptime bar", () => {
  test("a day with an incident lists it; hover, click or Enter opens it", async ({ page }) => {
    test.setTimeout(180_000);
    await loginAs(page, USERS.engineer);
    // "Staging agent" watches the demo estate's /down: the worker opens an incident for it.
    await page.goto("/t/acme/monitors?q=Staging%20agent");
    await page.getByRole("link", { name: "Staging agent" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Staging agent" })).toBeVisible();
    const banner = page.getByRole("link", { name: /^Open incident #\d+/ });
    await expect(async () => {
      await page.reload();
      await expect(banner).toBeVisible({ timeout: 5_000 });
    }).toPass({ timeout: 120_000 });
    const incidentHref = (await banner.getAttribute("href")) ?? "";
    const number = (await banner.textContent())?.match(/#(\d+)/)?.[1] ?? "";

    const bar = page.getByRole("list", { name: "Daily uptime, last 90 days" });
    const today = bar.getByRole("button").last();
    await expect(today).toHaveAccessibleName(/\d+ incidents?$/);

    // Hover: a card with the day's figures and the incident link.
    await today.hover();
    const card = page.getByRole("dialog", { name: /uptime and incidents$/ });
    await expect(card.getByRole("link", { name: new RegExp(`^#${number} `) })).toHaveAttribute("href", incidentHref);
    await shoot(page, "monitor-uptime-incidents");

    // Keyboard: focus the day, Enter moves into the card, Enter follows the link.
    await page.mouse.move(0, 0);
    await today.focus();
    await page.keyboard.press("Escape");
    await today.focus();
    await page.keyboard.press("Enter");
    const link = card.getByRole("link", { name: new RegExp(`^#${number} `) });
    await expect(link).toBeFocused();
    await page.keyboard.press("Escape");
    await expect(today).toBeFocused();
    await page.keyboard.press("ArrowLeft");
    await expect(bar.getByRole("button").nth(88)).toBeFocused();
    await page.keyboard.press("ArrowRight");
    await page.keyboard.press("Enter");
    await expect(link).toBeFocused();
    await page.keyboard.press("Enter");
    await expect(page).toHaveURL(new RegExp(`${incidentHref}$`));
  });
});
