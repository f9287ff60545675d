import net from "node:net";
import tls from "node:tls";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSsrfGuard } from "../ssrf.ts";
import { createTestPki, type TestCert, type TestPki } from "../testing/certs.ts";
import { probeCtx } from "../testing/peers.ts";
import { TlsProbeConfig, tlsProbe } from "./tls-probe.ts";

const DAY = 24 * 60 * 60 * 1000;
let pki: TestPki;
const servers: net.Server[] = [];
const sockets = new Set<net.Socket>();

async function serve(server: net.Server): Promise<number> {
  server.on("connection", (s: net.Socket) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return (server.address() as net.AddressInfo).port;
}
const tlsServer = (c: TestCert) => serve(tls.createServer({ key: c.key, cert: c.cert }, (s) => s.end()));

const ports: Record<string, number> = {};
beforeAll(async () => {
  pki = createTestPki();
  const sans = ["DNS:steward.test", "IP:127.0.0.1"];
  ports.valid = await tlsServer(pki.leaf({ cn: "steward.test", sans, notAfter: new Date(Date.now() + 90 * DAY) }));
  ports.soon = await tlsServer(
    pki.leaf({ cn: "steward.test", sans, notAfter: new Date(Date.now() + 5 * DAY + 3600_000) }),
  );
  ports.expired = await tlsServer(
    pki.leaf({
      cn: "steward.test",
      sans,
      notBefore: new Date(Date.now() - 60 * DAY),
      notAfter: new Date(Date.now() - DAY),
    }),
  );
  ports.self = await tlsServer(pki.selfSigned({ cn: "steward.test", sans, days: 90 }));
  ports.silent = await serve(net.createServer((s) => s.resume())); // accepts TCP, reads, never speaks TLS
});
afterAll(async () => {
  for (const s of sockets) s.destroy();
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  pki?.dispose();
});

const cfg = (port: number, over: Record<string, unknown> = {}) =>
  TlsProbeConfig.parse({ host: "127.0.0.1", port, servername: "steward.test", ca: pki.ca.cert, ...over });

describe("tls probe against real TLS servers with test-made certificates", () => {
  it("valid chain + hostname + far expiry → ok; the socket is closed", async () => {
    const r = await tlsProbe.run(cfg(ports.valid!), probeCtx());
    expect(r).toMatchObject({ ok: true });
    await expect.poll(() => sockets.size).toBe(0);
  });

  it("an IP host without servername is matched against the IP SAN", async () => {
    const r = await tlsProbe.run(cfg(ports.valid!, { servername: undefined }), probeCtx());
    expect(r).toMatchObject({ ok: true });
  });

  it("expires within the warning window → fail 'certificate expires in N days'", async () => {
    const r = await tlsProbe.run(cfg(ports.soon!, { expiryWarningDays: 14 }), probeCtx());
    expect(r).toMatchObject({ ok: false, error: "certificate expires in 5 days" });
    expect(r.unknown).toBeUndefined();
    expect((await tlsProbe.run(cfg(ports.soon!, { expiryWarningDays: 3 }), probeCtx())).ok).toBe(true);
  });

  it("expired → fail", async () => {
    const r = await tlsProbe.run(cfg(ports.expired!), probeCtx());
    expect(r).toMatchObject({ ok: false, error: expect.stringMatching(/^certificate expired on \d{4}-\d{2}-\d{2}$/) });
  });

  it("wrong hostname → fail", async () => {
    const r = await tlsProbe.run(cfg(ports.valid!, { servername: "other.test" }), probeCtx());
    expect(r).toMatchObject({ ok: false, error: "certificate is not valid for other.test" });
  });

  it("self-signed (untrusted) → fail; a CA-signed chain without the CA → fail", async () => {
    const self = await tlsProbe.run(cfg(ports.self!), probeCtx());
    expect(self).toMatchObject({ ok: false, error: expect.stringMatching(/^self-signed certificate, not trusted/) });
    const noCa = await tlsProbe.run(cfg(ports.valid!, { ca: undefined }), probeCtx());
    expect(noCa).toMatchObject({ ok: false, error: expect.stringMatching(/chain is incomplete or untrusted/) });
  });

  it("a peer that never completes the handshake → timeout fail; worker abort → unknown", async () => {
    const t = await tlsProbe.run(cfg(ports.silent!), probeCtx({ timeoutMs: 250 }));
    expect(t).toMatchObject({ ok: false, error: "timeout after 250 ms" });
    expect(t.unknown).toBeUndefined();
    const ac = new AbortController();
    const p = tlsProbe.run(cfg(ports.silent!), probeCtx({ signal: ac.signal }));
    setTimeout(() => ac.abort(), 30);
    expect(await p).toMatchObject({ ok: false, unknown: true });
    await expect.poll(() => sockets.size).toBe(0);
  });

  it("SSRF: loopback without an allowlist is blocked, by IP and by name", async () => {
    const ssrf = createSsrfGuard();
    expect(await tlsProbe.run(cfg(ports.valid!), probeCtx({ ssrf }))).toMatchObject({
      ok: false,
      error: expect.stringMatching(/^blocked by SSRF policy/),
    });
    expect(await tlsProbe.run(cfg(ports.valid!, { host: "localhost" }), probeCtx({ ssrf }))).toMatchObject({
      ok: false,
      error: expect.stringMatching(/^blocked by SSRF policy/),
    });
  });

  it("config validation", () => {
    expect(TlsProbeConfig.safeParse({ host: "x.test", expiryWarningDays: -1 }).success).toBe(false);
    expect(TlsProbeConfig.safeParse({ host: "x.test", ca: "not pem" }).success).toBe(false);
    expect(TlsProbeConfig.parse({ host: "x.test" })).toMatchObject({ port: 443, expiryWarningDays: 14 });
  });
});
