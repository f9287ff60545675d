import http from "node:http";
import https from "node:https";
import type { AddressInfo } from "node:net";
import type { TLSSocket } from "node:tls";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSsrfGuard, type SsrfResolver } from "../ssrf.ts";
import { createTestPki, type TestPki } from "../testing/certs.ts";
import { guardedRequest } from "./guarded-request.ts";

// Real servers on loopback; names resolved by a fake resolver (127.0.0.1) so Host/SNI can be observed.
let pki: TestPki;
let secure: https.Server;
let plainA: http.Server;
let plainB: http.Server;
let securePort: number;
let portA: number;
let portB: number;
const seen: {
  server: string;
  host?: string;
  sni?: string | false | null;
  auth?: string;
  apiKey?: string | string[];
  trace?: string | string[];
  method?: string;
  body: string;
}[] = [];
const asked: string[] = [];

const resolver: SsrfResolver = async (name) => {
  asked.push(name);
  return [{ address: "127.0.0.1", family: 4 }];
};
const guard = createSsrfGuard({ allowCidrs: ["127.0.0.1/32"], resolver });

function handler(server: string) {
  return (req: http.IncomingMessage, res: http.ServerResponse) => {
    let body = "";
    req.on("data", (c: Buffer) => {
      body += c.toString();
    });
    req.on("end", () => {
      seen.push({
        server,
        host: req.headers.host,
        sni: (req.socket as TLSSocket).servername,
        auth: req.headers.authorization,
        apiKey: req.headers["x-api-key"],
        trace: req.headers["x-trace"],
        method: req.method,
        body,
      });
      const url = new URL(req.url ?? "/", "http://x");
      const to = url.searchParams.get("to");
      if (to) {
        res.writeHead(Number(url.searchParams.get("status") ?? 302), { location: to });
        res.end();
        return;
      }
      res.end("ok");
    });
  };
}

const listen = (s: http.Server | https.Server) =>
  new Promise<number>((resolve) => s.listen(0, "127.0.0.1", () => resolve((s.address() as AddressInfo).port)));

beforeAll(async () => {
  pki = createTestPki();
  const leaf = pki.leaf({ cn: "secure.test", sans: ["DNS:secure.test"], notAfter: new Date(Date.now() + 86_400_000) });
  secure = https.createServer({ key: leaf.key, cert: leaf.cert }, handler("secure"));
  plainA = http.createServer(handler("A"));
  plainB = http.createServer(handler("B"));
  [securePort, portA, portB] = await Promise.all([listen(secure), listen(plainA), listen(plainB)]);
});

afterAll(async () => {
  for (const s of [secure, plainA, plainB]) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
  pki.dispose();
});

const base = {
  method: "GET",
  maxRedirects: 5,
  maxBodyBytes: 1024,
  guard,
  timeoutMs: 2000,
};

describe("guardedRequest", () => {
  it("HTTPS to a name: connects to the pinned address, SNI and Host stay the name, one resolution", async () => {
    seen.length = 0;
    asked.length = 0;
    const res = await guardedRequest({
      ...base,
      url: `https://secure.test:${securePort}/`,
      signal: new AbortController().signal,
      tls: { ca: pki.ca.cert },
      collectBody: true,
    });
    expect(res).toMatchObject({ statusCode: 200, remote: { address: "127.0.0.1", family: 4 } });
    expect(res.body.toString()).toBe("ok");
    expect(seen).toEqual([
      { server: "secure", host: `secure.test:${securePort}`, sni: "secure.test", method: "GET", body: "" },
    ]);
    expect(asked).toEqual(["secure.test"]);
  });

  it("refuses an https → http downgrade without contacting the http target", async () => {
    seen.length = 0;
    const to = encodeURIComponent(`http://plain.test:${portA}/`);
    await expect(
      guardedRequest({
        ...base,
        url: `https://secure.test:${securePort}/?to=${to}`,
        signal: new AbortController().signal,
        tls: { ca: pki.ca.cert },
      }),
    ).rejects.toThrow(/redirect from https to http refused/);
    expect(seen.map((s) => s.server)).toEqual(["secure"]);
  });

  it("keeps credentials on same-origin hops, drops them (and every secret-named header) cross-origin; 303 turns POST into GET", async () => {
    seen.length = 0;
    const cross = encodeURIComponent(`http://b.test:${portB}/final`);
    const same = encodeURIComponent(`/next?status=303&to=${cross}`);
    const res = await guardedRequest({
      ...base,
      method: "POST",
      body: "payload",
      headers: {
        authorization: "Bearer secret",
        "X-Api-Key": "k-secret",
        "x-trace": "t1",
        "content-type": "text/plain",
      },
      url: `http://a.test:${portA}/first?status=307&to=${same}`,
      signal: new AbortController().signal,
    });
    expect(res.statusCode).toBe(200);
    expect(res.finalUrl).toBe(`http://b.test:${portB}/final`);
    expect(res.hops).toHaveLength(3);
    expect(
      seen.map(({ server, auth, apiKey, trace, method, body }) => ({ server, auth, apiKey, trace, method, body })),
    ).toEqual([
      { server: "A", auth: "Bearer secret", apiKey: "k-secret", trace: "t1", method: "POST", body: "payload" },
      { server: "A", auth: "Bearer secret", apiKey: "k-secret", trace: "t1", method: "POST", body: "payload" },
      { server: "B", auth: undefined, apiKey: undefined, trace: "t1", method: "GET", body: "" },
    ]);
  });

  it("the certificate must name the URL's host: another name or the bare IP is refused", async () => {
    for (const host of ["other.test", "127.0.0.1"]) {
      const err = await guardedRequest({
        ...base,
        url: `https://${host}:${securePort}/`,
        signal: new AbortController().signal,
        tls: { ca: pki.ca.cert },
      }).catch((e: unknown) => e);
      expect(err, host).toMatchObject({ code: "ERR_TLS_CERT_ALTNAME_INVALID" });
    }
    // and a CA that did not sign it is refused before any name is looked at
    const untrusted = createTestPki();
    try {
      const err = await guardedRequest({
        ...base,
        url: `https://secure.test:${securePort}/`,
        signal: new AbortController().signal,
        tls: { ca: untrusted.ca.cert },
      }).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: "UNABLE_TO_VERIFY_LEAF_SIGNATURE" });
    } finally {
      untrusted.dispose();
    }
  });

  it("every HTTPS request is a full handshake (contexts are shared, TLS sessions never are)", async () => {
    const reused: boolean[] = [];
    const onSecure = (socket: TLSSocket) => reused.push(socket.isSessionReused());
    secure.on("secureConnection", onSecure);
    try {
      for (let i = 0; i < 3; i++) {
        const res = await guardedRequest({
          ...base,
          url: `https://secure.test:${securePort}/`,
          signal: new AbortController().signal,
          tls: { ca: pki.ca.cert },
        });
        expect(res.statusCode).toBe(200);
        expect(res.certificates).toHaveLength(1);
      }
    } finally {
      secure.off("secureConnection", onSecure);
    }
    expect(reused).toEqual([false, false, false]);
  });

  it("one deadline covers every hop: a slow chain times out as a whole", async () => {
    const slow = http.createServer((req, res) => {
      const n = Number(new URL(req.url ?? "/", "http://x").searchParams.get("n") ?? 0);
      setTimeout(() => {
        res.writeHead(302, { location: `/?n=${n + 1}` });
        res.end();
      }, 150);
    });
    const port = await listen(slow);
    try {
      const t0 = Date.now();
      const err = await guardedRequest({
        ...base,
        maxRedirects: 10,
        timeoutMs: 400,
        url: `http://127.0.0.1:${port}/?n=0`,
        signal: new AbortController().signal,
      }).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: "EPROBETIMEOUT", message: "timeout after 400 ms" });
      expect(Date.now() - t0).toBeLessThan(1000);
    } finally {
      slow.closeAllConnections();
      await new Promise((r) => slow.close(r));
    }
  });
});
