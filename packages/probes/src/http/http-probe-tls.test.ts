import https from "node:https";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestPki, type TestCert, type TestPki } from "../testing/certs.ts";
import { probeCtx } from "../testing/peers.ts";
import { HttpProbeConfig, httpProbe } from "./http-probe.ts";

// Real HTTPS servers on loopback with certificates this test makes (openssl CLI), trusted only through
// the monitor's `ca` — verification is never turned off.
const DAY = 86_400_000;
let pki: TestPki;
const servers: https.Server[] = [];
const urls: Record<string, string> = {};
const expiry: Record<string, Date> = {};

async function serve(
  name: string,
  cert: TestCert,
  handler?: (url: URL, res: import("node:http").ServerResponse) => void,
) {
  const s = https.createServer({ key: cert.key, cert: cert.cert }, (req, res) => {
    const url = new URL(req.url ?? "/", "https://x");
    if (handler) handler(url, res);
    else res.end("secure fine");
  });
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  servers.push(s);
  urls[name] = `https://127.0.0.1:${(s.address() as AddressInfo).port}/`;
}

beforeAll(async () => {
  pki = createTestPki();
  const sans = ["DNS:localhost", "IP:127.0.0.1"];
  const leaf = (days: number, notBefore?: Date) => {
    const notAfter = new Date(Date.now() + days * DAY);
    return { notAfter, cert: pki.leaf({ cn: "127.0.0.1", sans, notAfter, ...(notBefore ? { notBefore } : {}) }) };
  };
  const good = leaf(90);
  const soon = leaf(3);
  const expired = leaf(-1, new Date(Date.now() - 10 * DAY));
  expiry.good = good.notAfter;
  expiry.soon = soon.notAfter;
  await serve("good", good.cert);
  await serve("soon", soon.cert);
  await serve("expired", expired.cert);
  await serve("self", pki.selfSigned({ cn: "127.0.0.1", sans, days: 90 }));
  // a 90-day certificate that redirects to the one expiring in 3 days
  await serve("hop", good.cert, (_url, res) => {
    res.writeHead(302, { location: urls.soon ?? "/" });
    res.end();
  });
});

afterAll(async () => {
  for (const s of servers) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
  pki?.dispose();
});

const cfg = (url: string | undefined, extra: Record<string, unknown> = {}) =>
  HttpProbeConfig.parse({ url, ca: pki.ca.cert, ...extra });
const iso = (d: Date | undefined) => d && new Date(Math.floor(d.getTime() / 1000) * 1000).toISOString();

describe("http probe over HTTPS: certificate expiry", () => {
  it("a certificate far from expiry is ok and its notAfter is reported", async () => {
    const r = await httpProbe.run(cfg(urls.good, { keyword: "secure" }), probeCtx());
    expect(r).toMatchObject({ ok: true, statusCode: 200, certExpiresAt: iso(expiry.good) });
  });

  it("a certificate expiring in 3 days fails with the default 14-day warning", async () => {
    const r = await httpProbe.run(cfg(urls.soon), probeCtx());
    expect(r).toMatchObject({ ok: false, statusCode: 200, certExpiresAt: iso(expiry.soon) });
    expect(r.error).toMatch(/^certificate expires in [23] days$/);
    expect(r.unknown).toBeUndefined();
    // a lower threshold accepts it
    const relaxed = await httpProbe.run(cfg(urls.soon, { certExpiryWarningDays: 2 }), probeCtx());
    expect(relaxed).toMatchObject({ ok: true, certExpiresAt: iso(expiry.soon) });
  });

  it("status and body failures win over the certificate warning", async () => {
    const r = await httpProbe.run(cfg(urls.soon, { keyword: "absent-word" }), probeCtx());
    expect(r).toMatchObject({ ok: false, error: 'keyword "absent-word" not found in the response' });
  });

  it("the earliest certificate across redirect hops is judged and reported", async () => {
    const r = await httpProbe.run(cfg(urls.hop), probeCtx());
    expect(r).toMatchObject({ ok: false, finalUrl: urls.soon, certExpiresAt: iso(expiry.soon) });
    expect(r.error).toMatch(/^certificate expires in [23] days$/);
  });

  it("an expired certificate fails the handshake", async () => {
    const r = await httpProbe.run(cfg(urls.expired), probeCtx());
    expect(r).toMatchObject({ ok: false, error: "certificate expired (CERT_HAS_EXPIRED)" });
    expect(r.unknown).toBeUndefined();
  });

  it("verification stays on: no CA → untrusted; self-signed → untrusted", async () => {
    const noCa = await httpProbe.run(HttpProbeConfig.parse({ url: urls.good }), probeCtx());
    expect(noCa.ok).toBe(false);
    expect(noCa.error).toMatch(/chain is incomplete or untrusted|not trusted/);
    const self = await httpProbe.run(cfg(urls.self), probeCtx());
    expect(self).toMatchObject({ ok: false });
    expect(self.error).toMatch(/self-signed certificate/);
  });

  it("config: warning days and CA are validated", () => {
    const bad = (extra: Record<string, unknown>) => {
      const r = HttpProbeConfig.safeParse({ url: "https://example.com/", ...extra });
      return r.success ? "" : r.error.issues.map((i) => i.message).join("; ");
    };
    expect(HttpProbeConfig.parse({ url: "https://example.com/" }).certExpiryWarningDays).toBe(14);
    expect(bad({ certExpiryWarningDays: -1 })).toMatch(/cannot be negative/);
    expect(bad({ certExpiryWarningDays: 400 })).toMatch(/at most 365/);
    expect(bad({ ca: "not a pem" })).toMatch(/PEM certificates/);
  });
});
