import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSsrfGuard } from "../ssrf.ts";
import { startDnsServer, type TestDnsServer } from "../testing/dns-server.ts";
import { probeCtx } from "../testing/peers.ts";
import { DnsProbeConfig, dnsProbe } from "./dns-probe.ts";

let server: TestDnsServer;
beforeAll(async () => {
  server = await startDnsServer();
  server.set("www.example.test", "A", ["192.0.2.10", "192.0.2.11"]);
  server.set("www.example.test", "AAAA", ["2001:db8:0:0::1"]);
  server.set("alias.example.test", "CNAME", ["www.example.test."]);
  server.set("example.test", "MX", ["10 mx1.example.test", "20 mx2.example.test"]);
  server.set("example.test", "TXT", [["v=spf1 ", "-all"], "hello"]);
  server.set("example.test", "NS", ["ns1.example.test", "ns2.example.test"]);
  server.blackhole("hang.example.test");
});
afterAll(() => server.close());

const cfg = (over: Record<string, unknown>) =>
  DnsProbeConfig.parse({ resolver: { host: "127.0.0.1", port: server.port }, ...over });

describe("dns probe against a real local DNS server", () => {
  it("A: any answer is up; expected any-of and all-of", async () => {
    expect(await dnsProbe.run(cfg({ name: "www.example.test", recordType: "A" }), probeCtx())).toMatchObject({
      ok: true,
    });
    const anyOf = cfg({ name: "www.example.test", recordType: "A", expected: ["192.0.2.99", "192.0.2.11"] });
    expect((await dnsProbe.run(anyOf, probeCtx())).ok).toBe(true);
    const allOf = cfg({
      name: "www.example.test",
      recordType: "A",
      expected: ["192.0.2.10", "192.0.2.99"],
      match: "all",
    });
    const r = await dnsProbe.run(allOf, probeCtx());
    // The answers the resolver gave are not copied (only their count).
    expect(r).toMatchObject({ ok: false, error: "expected all of 192.0.2.99; got 2 other answers" });
    expect(r.error).not.toContain("192.0.2.10");
    expect(r.unknown).toBeUndefined();
  });

  it("AAAA compares canonical addresses", async () => {
    const r = await dnsProbe.run(
      cfg({ name: "www.example.test", recordType: "AAAA", expected: ["2001:DB8::1"] }),
      probeCtx(),
    );
    expect(r.ok).toBe(true);
  });

  it("CNAME, MX, TXT, NS", async () => {
    const runs = await Promise.all([
      dnsProbe.run(
        cfg({ name: "alias.example.test", recordType: "CNAME", expected: ["WWW.example.test"] }),
        probeCtx(),
      ),
      dnsProbe.run(cfg({ name: "example.test", recordType: "MX", expected: ["mx2.example.test"] }), probeCtx()),
      dnsProbe.run(
        cfg({
          name: "example.test",
          recordType: "MX",
          expected: ["10 mx1.example.test", "20 mx2.example.test"],
          match: "all",
        }),
        probeCtx(),
      ),
      dnsProbe.run(cfg({ name: "example.test", recordType: "TXT", expected: ["v=spf1 -all"] }), probeCtx()),
      dnsProbe.run(cfg({ name: "example.test", recordType: "NS", expected: ["ns1.example.test."] }), probeCtx()),
    ]);
    for (const r of runs) expect(r).toMatchObject({ ok: true });
    const wrongPrio = await dnsProbe.run(
      cfg({ name: "example.test", recordType: "MX", expected: ["30 mx1.example.test"] }),
      probeCtx(),
    );
    expect(wrongPrio.ok).toBe(false);
  });

  it("NXDOMAIN and no-data are failures", async () => {
    const nx = await dnsProbe.run(cfg({ name: "missing.example.test", recordType: "A" }), probeCtx());
    expect(nx).toMatchObject({ ok: false, error: "missing.example.test does not exist (NXDOMAIN)" });
    const nodata = await dnsProbe.run(cfg({ name: "example.test", recordType: "A" }), probeCtx());
    expect(nodata).toMatchObject({ ok: false, error: expect.stringMatching(/no A records/) });
    expect(nodata.unknown).toBeUndefined();
  });

  it("a silent resolver → timeout (fail); worker abort → unknown", async () => {
    const t = await dnsProbe.run(cfg({ name: "hang.example.test", recordType: "A" }), probeCtx({ timeoutMs: 300 }));
    expect(t.ok).toBe(false);
    expect(t.unknown).toBeUndefined();
    expect(t.error).toMatch(/timeout after 300 ms|timed out/);

    const ac = new AbortController();
    const p = dnsProbe.run(cfg({ name: "hang.example.test", recordType: "A" }), probeCtx({ signal: ac.signal }));
    setTimeout(() => ac.abort(), 50);
    expect(await p).toMatchObject({ ok: false, unknown: true });
  });

  it("the resolver address goes through the SSRF guard", async () => {
    const r = await dnsProbe.run(
      cfg({ name: "www.example.test", recordType: "A" }),
      probeCtx({ ssrf: createSsrfGuard() }),
    );
    expect(r).toMatchObject({ ok: false, error: expect.stringMatching(/^blocked by SSRF policy/) });
  });

  it("config validation", () => {
    expect(DnsProbeConfig.safeParse({ name: "x.test", recordType: "SRV" }).success).toBe(false);
    expect(DnsProbeConfig.safeParse({ name: "192.0.2.1", recordType: "A" }).success).toBe(false);
    expect(DnsProbeConfig.parse({ name: "x.test", recordType: "A" }).match).toBe("any");
  });
});
