import { beforeAll, describe, expect, it } from "vitest";
import { createSsrfGuard } from "../ssrf.ts";
import { probeCtx, requireBinary } from "../testing/peers.ts";
import { IcmpProbeConfig, icmpProbe } from "./icmp-probe.ts";

// Peer: the loopback interface, pinged by Debian's iputils-ping (apt-get install -y iputils-ping).
beforeAll(() => {
  requireBinary("ping", "iputils-ping");
});

describe("icmp probe with the system ping", () => {
  it("127.0.0.1 answers: ok with ping's average rtt as latency", async () => {
    const r = await icmpProbe.run(
      IcmpProbeConfig.parse({ host: "127.0.0.1", count: 2 }),
      probeCtx({ timeoutMs: 5000 }),
    );
    expect(r).toMatchObject({ ok: true });
    expect(r.latencyMs).toBeGreaterThanOrEqual(0);
    expect(r.latencyMs).toBeLessThan(100);
  });

  it("a name is resolved through the guard and the checked IP is pinged", async () => {
    const r = await icmpProbe.run(
      IcmpProbeConfig.parse({ host: "localhost", count: 1 }),
      probeCtx({ timeoutMs: 5000, ssrf: createSsrfGuard({ allowCidrs: ["127.0.0.0/8", "::1/128"] }) }),
    );
    expect(r).toMatchObject({ ok: true });
  });

  it("SSRF: checked before anything is spawned", async () => {
    const r = await icmpProbe.run(IcmpProbeConfig.parse({ host: "127.0.0.1" }), probeCtx({ ssrf: createSsrfGuard() }));
    expect(r).toMatchObject({ ok: false, error: expect.stringMatching(/^blocked by SSRF policy/) });
    const md = await icmpProbe.run(
      IcmpProbeConfig.parse({ host: "169.254.169.254" }),
      probeCtx({ ssrf: createSsrfGuard() }),
    );
    expect(md).toMatchObject({ ok: false, error: expect.stringMatching(/^blocked by SSRF policy/) });
  });

  it("deadline shorter than the packet train → timeout fail; worker abort → unknown (child killed)", async () => {
    const t = await icmpProbe.run(
      IcmpProbeConfig.parse({ host: "127.0.0.1", count: 10 }),
      probeCtx({ timeoutMs: 300 }),
    );
    expect(t).toMatchObject({ ok: false, error: "timeout after 300 ms" });
    const ac = new AbortController();
    const p = icmpProbe.run(
      IcmpProbeConfig.parse({ host: "127.0.0.1", count: 10 }),
      probeCtx({ signal: ac.signal, timeoutMs: 5000 }),
    );
    setTimeout(() => ac.abort(), 50);
    expect(await p).toMatchObject({ ok: false, unknown: true });
  });
});
