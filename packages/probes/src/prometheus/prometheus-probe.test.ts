import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSsrfGuard } from "../ssrf.ts";
import { probeCtx } from "../testing/peers.ts";
import { PrometheusProbeConfig, prometheusProbe } from "./prometheus-probe.ts";

const EXPOSITION = [
  "# HELP queue_depth Jobs waiting.",
  "# TYPE queue_depth gauge",
  'queue_depth{queue="email",region="eu"} 12',
  'queue_depth{queue="email",region="us"} 3',
  'queue_depth{queue="sms",region="eu"} 0',
  'secret_gauge{dsn="canary-prom-7f3a"} 5',
  "# TYPE up gauge",
  "up 1",
  "broken NaN",
  "",
].join("\n");

let server: http.Server;
let base: string;
beforeAll(async () => {
  server = http.createServer((req, res) => {
    if (req.url === "/metrics") {
      res.setHeader("content-type", "text/plain; version=0.0.4");
      res.end(EXPOSITION);
    } else if (req.url === "/big") {
      res.end("x".repeat(4096));
    } else if (req.url === "/exact") {
      // exactly 1,024 bytes, sent chunked (no content-length), ending in a valid sample
      const line = "up 1\n";
      res.write("#".repeat(1024 - line.length - 1));
      res.end(`\n${line}`);
    } else if (req.url === "/moved") {
      res.writeHead(302, { location: "/metrics" });
      res.end();
    } else if (req.url === "/hang") {
      // never answers
    } else {
      res.statusCode = 500;
      res.end("oops");
    }
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

const cfg = (over: Record<string, unknown>) => PrometheusProbeConfig.parse({ url: `${base}/metrics`, ...over });

describe("prometheus probe against a real exposition endpoint", () => {
  it("selects by name + labels and compares", async () => {
    const r = await prometheusProbe.run(
      cfg({ metric: "queue_depth", labels: { queue: "email", region: "eu" }, op: "lt", threshold: 20 }),
      probeCtx(),
    );
    expect(r).toMatchObject({ ok: true, statusCode: 200 });
    const bad = await prometheusProbe.run(
      cfg({ metric: "queue_depth", labels: { queue: "email", region: "eu" }, op: "lt", threshold: 10 }),
      probeCtx(),
    );
    expect(bad).toMatchObject({ ok: false, error: 'queue_depth{queue="email",region="eu"} = 12, expected < 10' });
    expect(bad.unknown).toBeUndefined();
  });

  it("the server's label values never reach the error: the selector and the value only", async () => {
    const r = await prometheusProbe.run(cfg({ metric: "secret_gauge", op: "lt", threshold: 1 }), probeCtx());
    expect(r).toMatchObject({ ok: false, error: "secret_gauge = 5, expected < 1" });
    expect(JSON.stringify(r)).not.toContain("canary");
  });

  it("several series: match all vs any", async () => {
    const all = await prometheusProbe.run(
      cfg({ metric: "queue_depth", labels: { queue: "email" }, op: "le", threshold: 5 }),
      probeCtx(),
    );
    expect(all).toMatchObject({ ok: false, error: expect.stringContaining("(1/2 series pass, match all)") });
    const any = await prometheusProbe.run(
      cfg({ metric: "queue_depth", labels: { queue: "email" }, op: "le", threshold: 5, match: "any" }),
      probeCtx(),
    );
    expect(any.ok).toBe(true);
    for (const op of ["eq", "ge", "gt", "ne"] as const) {
      const r = await prometheusProbe.run(
        cfg({ metric: "up", op, threshold: op === "gt" || op === "ne" ? 0 : 1 }),
        probeCtx(),
      );
      expect(r.ok, op).toBe(true);
    }
  });

  it("missing series, NaN, non-2xx, too large → fail", async () => {
    expect(await prometheusProbe.run(cfg({ metric: "nope", op: "eq", threshold: 1 }), probeCtx())).toMatchObject({
      ok: false,
      error: "no series nope",
    });
    expect(
      await prometheusProbe.run(
        cfg({ metric: "queue_depth", labels: { queue: "push" }, op: "eq", threshold: 1 }),
        probeCtx(),
      ),
    ).toMatchObject({ ok: false, error: 'no series queue_depth{queue="push"}' });
    expect((await prometheusProbe.run(cfg({ metric: "broken", op: "ne", threshold: 1 }), probeCtx())).ok).toBe(false);
    expect(
      await prometheusProbe.run(cfg({ url: `${base}/500`, metric: "up", op: "eq", threshold: 1 }), probeCtx()),
    ).toMatchObject({ ok: false, statusCode: 500, error: "scrape returned status 500" });
    expect(
      await prometheusProbe.run(
        cfg({ url: `${base}/big`, metric: "up", op: "eq", threshold: 1, maxBytes: 1024 }),
        probeCtx(),
      ),
    ).toMatchObject({ ok: false, error: "exposition larger than 1024 bytes" });
  });

  it("a body of exactly maxBytes (chunked) is read whole; a redirect is a failed scrape, not followed", async () => {
    expect(
      await prometheusProbe.run(
        cfg({ url: `${base}/exact`, metric: "up", op: "eq", threshold: 1, maxBytes: 1024 }),
        probeCtx(),
      ),
    ).toMatchObject({ ok: true, statusCode: 200 });
    expect(
      await prometheusProbe.run(cfg({ url: `${base}/moved`, metric: "up", op: "eq", threshold: 1 }), probeCtx()),
    ).toMatchObject({ ok: false, statusCode: 302, error: "scrape returned status 302" });
  });

  it("hang → timeout fail; worker abort → unknown; SSRF refused without an allowlist", async () => {
    const t = await prometheusProbe.run(
      cfg({ url: `${base}/hang`, metric: "up", op: "eq", threshold: 1 }),
      probeCtx({ timeoutMs: 250 }),
    );
    expect(t).toMatchObject({ ok: false, error: "timeout after 250 ms" });
    const ac = new AbortController();
    const p = prometheusProbe.run(
      cfg({ url: `${base}/hang`, metric: "up", op: "eq", threshold: 1 }),
      probeCtx({ signal: ac.signal }),
    );
    setTimeout(() => ac.abort(), 30);
    expect(await p).toMatchObject({ ok: false, unknown: true });
    const s = await prometheusProbe.run(
      cfg({ metric: "up", op: "eq", threshold: 1 }),
      probeCtx({ ssrf: createSsrfGuard() }),
    );
    expect(s).toMatchObject({ ok: false, error: expect.stringMatching(/^blocked by SSRF policy/) });
  });

  it("config validation", () => {
    expect(
      PrometheusProbeConfig.safeParse({ url: "ftp://x/metrics", metric: "up", op: "eq", threshold: 1 }).success,
    ).toBe(false);
    expect(
      PrometheusProbeConfig.safeParse({ url: "http://x/metrics", metric: "1up", op: "eq", threshold: 1 }).success,
    ).toBe(false);
    expect(
      PrometheusProbeConfig.safeParse({ url: "http://x/metrics", metric: "up", op: "~", threshold: 1 }).success,
    ).toBe(false);
    expect(
      PrometheusProbeConfig.safeParse({ url: "http://x/metrics", metric: "up", op: "eq", threshold: Number.NaN })
        .success,
    ).toBe(false);
  });
});
