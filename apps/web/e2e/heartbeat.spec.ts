import { request as playwrightRequest } from "@playwright/test";
import { expect, loginAs, test, USERS } from "./fixtures.ts";

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
