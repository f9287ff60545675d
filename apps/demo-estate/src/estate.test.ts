import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDemoEstate, FLAP_DOWN_MS, FLAP_FIRST_DOWN_MS, FLAP_UP_MS } from "./estate.ts";

const estate = createDemoEstate({ startedAt: 0, now: () => 0 });
let base: string;

beforeAll(async () => {
  await new Promise<void>((r) => estate.server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(estate.server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((r) => estate.server.close(r));
});

describe("demo estate", () => {
  it("flapping goes down FLAP_FIRST_DOWN_MS after start, then 60 s down / 90 s up", () => {
    expect(estate.flappingUp(0)).toBe(true);
    expect(estate.flappingUp(FLAP_FIRST_DOWN_MS - 1)).toBe(true);
    expect(estate.flappingUp(FLAP_FIRST_DOWN_MS)).toBe(false);
    expect(estate.flappingUp(FLAP_FIRST_DOWN_MS + FLAP_DOWN_MS - 1)).toBe(false);
    expect(estate.flappingUp(FLAP_FIRST_DOWN_MS + FLAP_DOWN_MS)).toBe(true);
    expect(estate.flappingUp(FLAP_FIRST_DOWN_MS + FLAP_DOWN_MS + FLAP_UP_MS)).toBe(false);
    expect(FLAP_FIRST_DOWN_MS).toBeLessThan(60_000);
  });

  it("serves healthy, down and controllable targets", async () => {
    expect((await fetch(`${base}/healthy`)).status).toBe(200);
    expect((await fetch(`${base}/down`)).status).toBe(503);
    expect((await fetch(`${base}/targets/t1`)).status).toBe(200);
    const set = await fetch(`${base}/control/t1`, { method: "POST", body: JSON.stringify({ status: 503 }) });
    expect(await set.json()).toEqual({ name: "t1", status: 503 });
    expect((await fetch(`${base}/targets/t1`)).status).toBe(503);
    const bad = await fetch(`${base}/control/t1`, { method: "POST", body: JSON.stringify({ status: "x" }) });
    expect(bad.status).toBe(400);
    await fetch(`${base}/control/t1`, { method: "DELETE" });
    expect((await fetch(`${base}/targets/t1`)).status).toBe(200);
  });

  it("applies a target's latency", async () => {
    await fetch(`${base}/control/slowpoke`, { method: "POST", body: JSON.stringify({ status: 200, latencyMs: 200 }) });
    const t0 = performance.now();
    expect((await fetch(`${base}/targets/slowpoke`)).status).toBe(200);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(190);
  });
});
