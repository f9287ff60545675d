import { type Page, request as playwrightRequest } from "@playwright/test";
import { expect, loginAs, shoot, test, USERS } from "./fixtures.ts";

// The push endpoint of HEARTBEAT monitors as a cron job sees it: no session, no redirect to /login,
// 202 for the monitor's token, one constant 404 otherwise; rotating the token invalidates the old one.
test("heartbeat push URL: 202 with the token, 404 without, rotate invalidates the old token", async ({
  page,
  baseURL,
}) => {
  await loginAs(page, USERS.engineer);
  const me = (await (await page.request.get("/api/trpc/me.get")).json()) as {
    result: { data: { json: { tenants: { id: string; slug: string }[] } } };
  };
  const tenantId = me.result.data.json.tenants.find((t) => t.slug === "acme")!.id;
  const created = await page.request.post("/api/trpc/monitor.create", {
    data: {
      json: { tenantId, name: `cron ${Date.now().toString(36)}`, kind: "HEARTBEAT", intervalSeconds: 60, config: {} },
    },
  });
  expect(created.status()).toBe(200);
  const monitor = ((await created.json()) as { result: { data: { json: { id: string; heartbeatToken: string } } } })
    .result.data.json;
  expect(monitor.heartbeatToken).toMatch(/^[A-Za-z0-9_-]{32}$/);

  // A cron job: no cookies, no redirects followed.
  const cron = await playwrightRequest.newContext({ baseURL, maxRedirects: 0 });
  try {
    const beat = await cron.post(`/api/v1/heartbeat/${monitor.heartbeatToken}`);
    expect(beat.status()).toBe(202);
    expect(await beat.json()).toEqual({ ok: true });
    expect((await cron.get(`/api/v1/heartbeat/${monitor.heartbeatToken}`)).status()).toBe(202);

    const unknown = await cron.post(`/api/v1/heartbeat/${"x".repeat(32)}`);
    const malformed = await cron.post("/api/v1/heartbeat/nope");
    for (const r of [unknown, malformed]) {
      expect(r.status()).toBe(404);
      expect(await r.json()).toEqual({ ok: false, error: "not found" });
    }

    const rotated = await page.request.post("/api/trpc/monitor.rotateHeartbeatToken", {
      data: { json: { tenantId, monitorId: monitor.id } },
    });
    expect(rotated.status()).toBe(200);
    const fresh = ((await rotated.json()) as { result: { data: { json: { heartbeatToken: string } } } }).result.data
      .json.heartbeatToken;
    expect((await cron.post(`/api/v1/heartbeat/${monitor.heartbeatToken}`)).status()).toBe(404);
    expect((await cron.post(`/api/v1/heartbeat/${fresh}`)).status()).toBe(202);
  } finally {
    await cron.dispose();
  }
});

/** POST the push URL from the page (as a cron job would, only with curl). */
const beat = (page: Page, url: string) =>
  page.evaluate(async (u) => (await fetch(u, { method: "POST", credentials: "omit" })).status, url);

// The dashboard flow of a push monitor: created from the form, its URL shown once with copy + curl, a
// beat turns it UP, "Rotate URL" (confirmed) shows the new URL once and the old one stops working.
test.describe("heartbeat monitor in the dashboard", () => {
  // The rotated-out URL answers 404 to the page's own fetch on purpose.
  test.use({ allowedConsole: [/status of 404/] });
  test("create, see the URL once, beat it to UP, rotate with confirmation", async ({ page, baseURL }) => {
    test.setTimeout(180_000);
    const name = `backup ${Date.now().toString(36)}`;
    await loginAs(page, USERS.engineer);
    await page.goto("/t/acme/monitors/new");
    // (Retried: a choice made before hydration is reset by React.)
    await expect(async () => {
      await page.getByLabel("Kind", { exact: true }).selectOption("HEARTBEAT");
      await expect(page.getByRole("heading", { name: "How push monitoring works" })).toBeVisible({ timeout: 2_000 });
    }).toPass({ timeout: 30_000 });
    // Nothing to probe: no timeout, no latency threshold, no "test now" — an explanation instead.
    await expect(page.getByRole("button", { name: "Test now" })).toHaveCount(0);
    await expect(page.getByLabel("Timeout (ms)")).toHaveCount(0);
    await expect(page.getByRole("heading", { name: "How push monitoring works" })).toBeVisible();

    await page.getByLabel("Name", { exact: true }).fill(name);
    await page.getByLabel("Expected every", { exact: true }).selectOption("10");
    const grace = page.getByLabel("Grace period (seconds) (optional)");
    await grace.fill("-1");
    await page.getByRole("button", { name: "Create monitor" }).click();
    await expect(grace).toHaveAttribute("aria-invalid", "true");
    await expect(page).toHaveURL(/\/monitors\/new$/);
    await grace.fill("20");
    await expect(page.getByText("Down after 30 s without a call (interval + grace).")).toBeVisible();
    await page.getByLabel("Tags", { exact: true }).fill("cron, backups,");
    await page.getByRole("button", { name: "Create monitor" }).click();

    // The URL, once: read-only field, copy buttons, curl example; closing is final.
    const dialog = page.getByRole("dialog", { name: `Push URL for “${name}”` });
    await expect(dialog).toBeVisible();
    await expect(dialog).toContainText("it is shown only this once");
    const url = await dialog.getByLabel("Push URL").inputValue();
    expect(url).toMatch(new RegExp(`^${baseURL}/api/v1/heartbeat/[A-Za-z0-9_-]{32}$`));
    const token = url.split("/").at(-1) ?? "";
    await expect(dialog.getByLabel("Example: curl")).toHaveValue(`curl -fsS -m 10 --retry 3 -X POST ${url}`);
    await expect(dialog.getByRole("button", { name: "Copy URL" })).toBeVisible();
    await shoot(page, "heartbeat-push-url");
    await dialog.getByRole("button", { name: "I have saved the URL" }).click();
    await expect(page).toHaveURL(/\/t\/acme\/monitors\/[0-9a-f-]{36}$/);
    await expect(page.getByRole("heading", { level: 1, name })).toBeVisible();

    // The detail page: cadence, no beat yet, the URL masked — the token is nowhere on the page.
    const card = page.locator("[data-slot=card]").filter({ has: page.getByText("Heartbeat", { exact: true }) });
    await expect(page.getByTestId("last-beat")).toHaveText("No beat yet");
    await expect(page.getByText("every 10 s + 20 s grace")).toBeVisible();
    await expect(page.getByText("backups", { exact: true })).toBeVisible();
    expect(await page.content()).not.toContain(token);
    await page.reload();
    expect(await page.content()).not.toContain(token);

    // Beat like a cron job every few seconds until the worker has evaluated it: UP.
    expect(await beat(page, url)).toBe(202);
    await expect(page.getByTestId("last-beat")).not.toHaveText("No beat yet", { timeout: 20_000 });
    const state = page.getByTestId("monitor-state");
    await expect(async () => {
      expect(await beat(page, url)).toBe(202);
      await expect(state).toHaveAttribute("data-status", "UP", { timeout: 5_000 });
    }).toPass({ timeout: 90_000 });
    await shoot(page, "heartbeat-detail");

    // Rotate: confirmation first (Cancel keeps the URL), then the new URL once; the old one is dead.
    await page.getByRole("button", { name: "Rotate URL" }).click();
    const confirm = page.getByRole("dialog", { name: "Rotate the push URL?" });
    await expect(confirm).toContainText("stops working immediately");
    await confirm.getByRole("button", { name: "Cancel" }).click();
    await expect(confirm).toHaveCount(0);
    expect(await beat(page, url)).toBe(202);
    await page.getByRole("button", { name: "Rotate URL" }).click();
    await confirm.getByRole("button", { name: "Rotate URL" }).click();
    const rotated = page.getByRole("dialog", { name: `New push URL for “${name}”` });
    await expect(rotated).toContainText("the previous URL has already stopped working");
    const fresh = await rotated.getByLabel("Push URL").inputValue();
    expect(fresh).not.toBe(url);
    expect(fresh).toMatch(/\/api\/v1\/heartbeat\/[A-Za-z0-9_-]{32}$/);
    expect(await beat(page, url)).toBe(404);
    expect(await beat(page, fresh)).toBe(202);
    await rotated.getByRole("button", { name: "I have saved the URL" }).click();
    await expect(rotated).toHaveCount(0);
    expect(await page.content()).not.toContain(fresh.split("/").at(-1) ?? "");
    await expect(card).toBeVisible();

    // Edit the cadence: the push form again (prefilled), saved; the URL is unchanged.
    await page.getByRole("link", { name: "Edit" }).click();
    await expect(page.getByLabel("Kind", { exact: true })).toHaveValue("HEARTBEAT");
    await expect(grace).toHaveValue("20");
    await grace.fill("5");
    await page.getByRole("button", { name: "Save changes" }).click();
    await expect(page.getByText("every 10 s + 5 s grace")).toBeVisible();
    expect(await beat(page, fresh)).toBe(202);
  });
});
