import type { Browser, Page } from "@playwright/test";
import { expect, loginAs, test, USERS } from "./fixtures.ts";

// Pages a role cannot open answer HTTP 404 — the status code itself, not a 200 with a not-found screen
// (which is what a notFound() inside a streamed loading.tsx boundary yields). Raw GETs with the signed-in
// cookies, no redirects followed.

const RANDOM = "00000000-0000-4000-8000-000000000000";
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/;

const monitorIds: Record<string, string> = {};

async function firstMonitorId(page: Page, slug: string): Promise<string> {
  await page.goto(`/t/${slug}/monitors`);
  await expect(page.locator(`a[href^="/t/${slug}/monitors/"]`).first()).toBeVisible();
  const hrefs = await page
    .locator(`a[href^="/t/${slug}/monitors/"]`)
    .evaluateAll((as) => as.map((a) => a.getAttribute("href") ?? ""));
  const id = hrefs.map((h) => h.match(UUID)?.[0]).find(Boolean);
  if (!id) throw new Error(`no monitor link on /t/${slug}/monitors`);
  return id;
}

async function signedIn(browser: Browser, email: string): Promise<Page> {
  const page = await browser.newPage();
  await loginAs(page, email);
  return page;
}

async function expectStatuses(page: Page, expected: Record<string, number>): Promise<void> {
  const seen: Record<string, number> = {};
  for (const path of Object.keys(expected)) {
    seen[path] = (await page.request.get(path, { maxRedirects: 0 })).status();
  }
  expect(seen).toEqual(expected);
}

test.beforeAll(async ({ browser }) => {
  const page = await signedIn(browser, USERS.engineer); // reaches Acme and Globex
  monitorIds.acme = await firstMonitorId(page, "acme");
  monitorIds.globex = await firstMonitorId(page, "globex");
  await page.close();
});

test("client admin: provider pages, foreign tenants and foreign or unknown ids answer 404", async ({ page }) => {
  await loginAs(page, USERS.acmeAdmin);
  const { acme, globex } = monitorIds;
  await expectStatuses(page, {
    "/t/acme": 200,
    "/t/acme/monitors": 200,
    "/t/acme/incidents": 200,
    "/t/acme/settings": 200,
    "/settings/account": 200,
    [`/t/acme/monitors/${acme}`]: 200,
    // Monitors are the provider's to write (no monitor:write for client roles).
    "/t/acme/monitors/new": 404,
    [`/t/acme/monitors/${acme}/edit`]: 404,
    "/fleet": 404,
    "/provider": 404,
    "/t/globex": 404,
    "/t/globex/monitors": 404,
    "/t/globex/incidents": 404,
    "/t/globex/settings": 404,
    [`/t/globex/monitors/${globex}`]: 404,
    [`/t/acme/monitors/${globex}`]: 404,
    [`/t/acme/monitors/${globex}/edit`]: 404,
    [`/t/acme/monitors/${RANDOM}`]: 404,
    "/t/acme/monitors/not-a-uuid": 404,
    [`/t/acme/incidents/${RANDOM}`]: 404,
    "/t/acme/incidents/not-a-uuid": 404,
    "/t/no-such-tenant": 404,
  });
});

test("client viewer: the write pages answer 404", async ({ page }) => {
  await loginAs(page, USERS.acmeViewer);
  await expectStatuses(page, {
    [`/t/acme/monitors/${monitorIds.acme}`]: 200,
    "/t/acme/monitors/new": 404,
    [`/t/acme/monitors/${monitorIds.acme}/edit`]: 404,
    "/fleet": 404,
    "/provider": 404,
  });
});

test("scoped staff: tenants outside the scope and the fleet (account manager) answer 404", async ({ browser }) => {
  const engineer = await signedIn(browser, USERS.engineer);
  await expectStatuses(engineer, {
    "/fleet": 200,
    "/provider": 200,
    "/t/acme": 200,
    "/t/acme/monitors/new": 200,
    [`/t/acme/monitors/${monitorIds.acme}/edit`]: 200,
    [`/t/globex/monitors/${monitorIds.globex}`]: 200,
    "/t/initech": 404,
    "/t/initech/monitors": 404,
    [`/t/acme/monitors/${monitorIds.globex}`]: 404,
  });
  await engineer.close();
  const manager = await signedIn(browser, USERS.manager);
  await expectStatuses(manager, { "/provider": 200, "/t/initech": 200, "/fleet": 404, "/t/acme": 404 });
  await manager.close();
});
