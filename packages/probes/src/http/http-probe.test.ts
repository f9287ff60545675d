import http from "node:http";
import net, { type AddressInfo } from "node:net";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ProbeContext } from "../probe.ts";
import { createSsrfGuard, LOOPBACK_CIDRS } from "../ssrf.ts";
import { HttpProbeConfig, httpProbe } from "./http-probe.ts";

// A real HTTP server on loopback, no mocks.
let server: http.Server;
let base: string;
const sockets = new Set<import("node:net").Socket>();

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://x");
    switch (url.pathname) {
      case "/echo": {
        let body = "";
        req.on("data", (c: Buffer) => {
          body += c.toString();
        });
        req.on("end", () => {
          res.setHeader("content-type", "application/json");
          res.end(JSON.stringify({ method: req.method, headers: req.headers, body }));
        });
        return;
      }
      case "/ok":
        res.end("fine");
        return;
      case "/aaa":
        res.end(`${"a".repeat(Number(url.searchParams.get("n") ?? 10))}!`);
        return;
      case "/redirect": {
        const to = url.searchParams.get("to") ?? "/ok";
        res.writeHead(Number(url.searchParams.get("status") ?? 302), { location: to });
        res.end();
        return;
      }
      case "/loop":
        res.writeHead(302, { location: "/loop" });
        res.end();
        return;
      case "/503":
        res.statusCode = 503;
        res.end("down");
        return;
      case "/hang":
        return; // never answers
      case "/endless": {
        res.writeHead(200, { "content-type": "application/octet-stream" });
        const chunk = Buffer.alloc(64 * 1024, 1);
        const pump = () => {
          while (res.write(chunk)) {}
        };
        res.on("drain", pump);
        pump();
        return;
      }
      case "/slow-body":
        res.writeHead(200);
        res.write("a");
        return; // headers sent, body never ends
      default:
        res.statusCode = 404;
        res.end();
    }
  });
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  for (const s of sockets) s.destroy();
  await new Promise((r) => server.close(r));
});

const ctx = (over: Partial<ProbeContext> = {}): ProbeContext => ({
  signal: new AbortController().signal,
  timeoutMs: 2000,
  ssrf: createSsrfGuard({ allowCidrs: LOOPBACK_CIDRS }),
  ...over,
});
const cfg = (url: string, extra: Record<string, unknown> = {}) => HttpProbeConfig.parse({ url, ...extra });

describe("http probe against a real server", () => {
  it("up: 200 is ok with a latency", async () => {
    const r = await httpProbe.run(cfg(`${base}/ok`), ctx());
    expect(r).toMatchObject({ ok: true, statusCode: 200 });
    expect(r.unknown).toBeUndefined();
    expect(r.latencyMs).toBeGreaterThanOrEqual(0);
  });

  it("503 is a failure with the status", async () => {
    const r = await httpProbe.run(cfg(`${base}/503`), ctx());
    expect(r).toMatchObject({ ok: false, statusCode: 503, error: "unexpected status 503" });
    expect(r.unknown).toBeUndefined();
  });

  it("expected status list overrides the default", async () => {
    expect((await httpProbe.run(cfg(`${base}/503`, { expectedStatus: [503] }), ctx())).ok).toBe(true);
    expect((await httpProbe.run(cfg(`${base}/ok`, { expectedStatus: [204] }), ctx())).ok).toBe(false);
  });

  it("a hanging server times out within the deadline → fail", async () => {
    const t0 = Date.now();
    const r = await httpProbe.run(cfg(`${base}/hang`), ctx({ timeoutMs: 300 }));
    expect(r).toMatchObject({ ok: false, error: "timeout after 300 ms" });
    expect(r.unknown).toBeUndefined();
    expect(Date.now() - t0).toBeLessThan(1300);
  });

  it("a body that never ends times out too", async () => {
    const r = await httpProbe.run(cfg(`${base}/slow-body`, { maxBodyBytes: 1024 }), ctx({ timeoutMs: 300 }));
    expect(r).toMatchObject({ ok: false });
    expect(r.unknown).toBeUndefined();
  });

  it("an endless body is cut at maxBodyBytes, not buffered", async () => {
    const before = process.memoryUsage().rss;
    const r = await httpProbe.run(cfg(`${base}/endless`, { maxBodyBytes: 256 * 1024 }), ctx());
    expect(r).toMatchObject({ ok: true, statusCode: 200 });
    expect(process.memoryUsage().rss - before).toBeLessThan(64 * 1024 * 1024);
  });

  it("connection refused → fail, not unknown", async () => {
    const closed = http.createServer();
    await new Promise<void>((r) => closed.listen(0, "127.0.0.1", r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    const r = await httpProbe.run(cfg(`http://127.0.0.1:${port}/`), ctx());
    expect(r).toMatchObject({ ok: false, error: "connection refused" });
    expect(r.unknown).toBeUndefined();
  });

  it("a DNS name that does not exist → fail", async () => {
    const r = await httpProbe.run(cfg("http://does-not-exist.invalid/"), ctx());
    expect(r.ok).toBe(false);
    expect(r.unknown).toBeUndefined();
    expect(r.error).toMatch(/DNS lookup failed/);
  });

  it("loopback is refused unless allowlisted (literal IP and name)", async () => {
    const strict = ctx({ ssrf: createSsrfGuard() });
    const a = await httpProbe.run(cfg(`${base}/ok`), strict);
    expect(a).toMatchObject({ ok: false });
    expect(a.error).toMatch(/SSRF/);
    const port = new URL(base).port;
    const b = await httpProbe.run(cfg(`http://localhost:${port}/ok`), strict);
    expect(b).toMatchObject({ ok: false });
    expect(b.error).toMatch(/SSRF/);
  });

  it("follows redirects (each hop re-checked) and reports the final URL", async () => {
    const to = encodeURIComponent(`/redirect?status=307&to=${encodeURIComponent(`${base}/ok`)}`);
    const r = await httpProbe.run(cfg(`${base}/redirect?status=301&to=${to}`), ctx());
    expect(r).toMatchObject({ ok: true, statusCode: 200, finalUrl: `${base}/ok` });
    const none = await httpProbe.run(cfg(`${base}/redirect?to=/ok`, { maxRedirects: 0 }), ctx());
    expect(none).toMatchObject({ ok: true, statusCode: 302 });
    expect(none.finalUrl).toBeUndefined();
  });

  it("a redirect loop fails after maxRedirects", async () => {
    const r = await httpProbe.run(cfg(`${base}/loop`, { maxRedirects: 3 }), ctx());
    expect(r).toMatchObject({ ok: false, error: "too many redirects (more than 3)" });
  });

  it.each([
    "http://169.254.169.254/latest/meta-data/",
    "http://10.0.0.1/",
    "http://metadata.google.internal/",
    "http://[::ffff:a9fe:a9fe]/",
    "file:///etc/passwd",
    "gopher://127.0.0.1:6379/_INFO",
  ])("a redirect to %s is refused before connecting", async (to) => {
    const r = await httpProbe.run(cfg(`${base}/redirect?to=${encodeURIComponent(to)}`), ctx());
    expect(r.ok).toBe(false);
    expect(r.unknown).toBeUndefined();
    expect(r.error).toMatch(/^blocked by SSRF policy: /);
  });

  it("each hop is resolved exactly once by the guard (the checked address is the one connected to)", async () => {
    const port = new URL(base).port;
    const asked: string[] = [];
    const ssrf = createSsrfGuard({
      allowCidrs: ["127.0.0.1/32"],
      resolver: async (name) => {
        asked.push(name);
        return [{ address: "127.0.0.1", family: 4 }];
      },
    });
    const r = await httpProbe.run(
      cfg(`http://first.test:${port}/redirect?to=${encodeURIComponent(`http://second.test:${port}/ok`)}`),
      ctx({ ssrf }),
    );
    expect(r).toMatchObject({ ok: true, statusCode: 200, finalUrl: `http://second.test:${port}/ok` });
    expect(asked).toEqual(["first.test", "second.test"]);
  });

  it("sends the configured method, headers and body", async () => {
    const seen: { method: string; headers: Record<string, string>; body: string }[] = [];
    const capture = http.createServer((req, res) => {
      let body = "";
      req.on("data", (c: Buffer) => {
        body += c.toString();
      });
      req.on("end", () => {
        seen.push({ method: req.method ?? "", headers: req.headers as Record<string, string>, body });
        res.end();
      });
    });
    await new Promise<void>((r) => capture.listen(0, "127.0.0.1", r));
    const url = `http://127.0.0.1:${(capture.address() as AddressInfo).port}/`;
    try {
      for (const method of ["POST", "PUT", "PATCH", "DELETE", "OPTIONS"]) {
        const r = await httpProbe.run(
          cfg(url, {
            method,
            headers: { "Content-Type": "application/json", "X-Token": "t1", "User-Agent": "custom/1" },
            body: `{"m":"${method}"}`,
          }),
          ctx(),
        );
        expect(r).toMatchObject({ ok: true, statusCode: 200 });
      }
      expect((await httpProbe.run(cfg(url, { method: "HEAD" }), ctx())).ok).toBe(true);
      expect(seen.map((s) => s.method)).toEqual(["POST", "PUT", "PATCH", "DELETE", "OPTIONS", "HEAD"]);
      expect(seen[0]).toMatchObject({
        body: '{"m":"POST"}',
        headers: { "content-type": "application/json", "x-token": "t1", "user-agent": "custom/1" },
      });
      expect(seen[5]?.headers["user-agent"]).toBe("Steward-Probe/1.0");
    } finally {
      capture.closeAllConnections();
      await new Promise((r) => capture.close(r));
    }
  });

  it("config: methods, headers and body are validated with clear messages", () => {
    const bad = (extra: Record<string, unknown>) => {
      const r = HttpProbeConfig.safeParse({ url: "http://example.com/", ...extra });
      return r.success ? "" : r.error.issues.map((i) => i.message).join("; ");
    };
    expect(HttpProbeConfig.parse({ url: "http://example.com/" })).toMatchObject({ method: "GET" });
    expect(bad({ method: "TRACE" })).toMatch(/Method must be one of GET, HEAD, POST/);
    for (const h of ["Host", "connection", "Transfer-Encoding", "Upgrade", "TE", "Content-Length", "Keep-Alive"]) {
      expect(bad({ headers: { [h]: "x" } }), h).toMatch(/cannot be set/);
    }
    expect(bad({ headers: { "X-A": "a\r\nInjected: 1" } })).toMatch(/line breaks/);
    expect(bad({ headers: { "bad name": "x" } })).toMatch(/is not valid/);
    expect(bad({ headers: { "X-Snow": "☃" } })).toMatch(/Latin-1/);
    expect(bad({ headers: { "X-Latin": "café" } })).toBe("");
    expect(bad({ headers: { "X-A": "1", "x-a": "2" } })).toMatch(/set twice/);
    expect(bad({ method: "GET", body: "x" })).toMatch(/cannot be sent with GET/);
    expect(bad({ method: "POST", body: "x".repeat(64 * 1024 + 1) })).toMatch(/at most 64 KiB/);
    expect(bad({ method: "POST", body: "x".repeat(64 * 1024), headers: { Authorization: "Bearer x" } })).toBe("");
  });

  it("keyword present / absent, case-sensitive by default", async () => {
    const run = async (extra: Record<string, unknown>) => httpProbe.run(cfg(`${base}/ok`, extra), ctx());
    expect(await run({ keyword: "fine" })).toMatchObject({ ok: true, statusCode: 200 });
    expect(await run({ keyword: "FINE" })).toMatchObject({
      ok: false,
      statusCode: 200,
      error: 'keyword "FINE" not found in the response',
    });
    expect((await run({ keyword: "FINE", keywordCaseSensitive: false })).ok).toBe(true);
    expect(await run({ keyword: "fine", keywordMode: "absent" })).toMatchObject({
      ok: false,
      error: 'keyword "fine" found in the response',
    });
    expect((await run({ keyword: "error", keywordMode: "absent" })).ok).toBe(true);
    expect((await run({ keyword: "" })).ok).toBe(true);
    // the status check comes first
    const down = await httpProbe.run(cfg(`${base}/503`, { keyword: "fine" }), ctx());
    expect(down).toMatchObject({ ok: false, error: "unexpected status 503" });
  });

  it("regex present / absent, flags, and a catastrophic pattern fails fast instead of hanging", async () => {
    const run = async (path: string, extra: Record<string, unknown>) =>
      httpProbe.run(cfg(`${base}${path}`, extra), ctx());
    expect((await run("/ok", { regex: "^f\\w+e$" })).ok).toBe(true);
    expect(await run("/ok", { regex: "^FINE$" })).toMatchObject({
      ok: false,
      error: "regex /^FINE$/ did not match the response",
    });
    expect((await run("/ok", { regex: "^FINE$", regexFlags: "i" })).ok).toBe(true);
    expect(await run("/ok", { regex: "in", regexMode: "absent" })).toMatchObject({
      ok: false,
      error: "regex /in/ matched the response",
    });
    const t0 = Date.now();
    const r = await run("/aaa?n=64", { regex: "^(a+)+$" });
    expect(r).toMatchObject({ ok: false });
    expect(r.unknown).toBeUndefined();
    expect(r.error).toMatch(/regex took longer than 50 ms/);
    expect(Date.now() - t0).toBeLessThan(1500);
  });

  it("JSON path assertions on a real JSON response", async () => {
    const run = async (extra: Record<string, unknown>) =>
      httpProbe.run(cfg(`${base}/echo`, { method: "POST", body: "hello", ...extra }), ctx());
    expect((await run({ jsonPath: "$.method" })).ok).toBe(true);
    expect((await run({ jsonPath: "$.method", jsonPathOp: "eq", jsonPathExpected: "POST" })).ok).toBe(true);
    expect((await run({ jsonPath: "$.headers['content-length']", jsonPathOp: "ge", jsonPathExpected: "5" })).ok).toBe(
      true,
    );
    expect((await run({ jsonPath: "body", jsonPathOp: "contains", jsonPathExpected: "ell" })).ok).toBe(true);
    expect(await run({ jsonPath: "$.method", jsonPathOp: "ne", jsonPathExpected: "POST" })).toMatchObject({
      ok: false,
      error: 'JSON path $.method did not satisfy ne "POST"',
    });
    expect(await run({ jsonPath: "$.nope" })).toMatchObject({ ok: false, error: "JSON path $.nope not found" });
    const html = await httpProbe.run(cfg(`${base}/ok`, { jsonPath: "$.a" }), ctx());
    expect(html).toMatchObject({ ok: false, error: "response is not valid JSON" });
  });

  it("config: assertions are checked when parsed", () => {
    const bad = (extra: Record<string, unknown>) => {
      const r = HttpProbeConfig.safeParse({ url: "http://example.com/", ...extra });
      return r.success ? "" : r.error.issues.map((i) => i.message).join("; ");
    };
    expect(bad({ regex: "(" })).toMatch(/^Invalid regex: /);
    expect(bad({ regex: "a", regexFlags: "g" })).toMatch(/flags may be i, m, s and u/);
    expect(bad({ regex: "a", regexFlags: "ii" })).toMatch(/flags/);
    expect(bad({ regex: "x".repeat(513) })).toMatch(/at most 512/);
    expect(bad({ jsonPath: "$..a" })).toMatch(/^Invalid JSON path: /);
    expect(bad({ jsonPath: "$.a", jsonPathOp: "eq" })).toMatch(/expected value is needed for "eq"/);
    expect(bad({ jsonPath: "$.a", jsonPathOp: "gt", jsonPathExpected: "x" })).toMatch(/must be a number/);
    expect(bad({ keyword: "a", method: "HEAD" })).toMatch(/HEAD response has no body/);
    expect(bad({ keyword: "a", maxBodyBytes: 0 })).toMatch(/maxBodyBytes above 0/);
    expect(
      bad({
        keyword: "a",
        regex: "^a$",
        regexFlags: "im",
        jsonPath: "$.a[0]",
        jsonPathOp: "lt",
        jsonPathExpected: "3",
      }),
    ).toBe("");
  });

  it("shutdown abort → unknown", async () => {
    const ac = new AbortController();
    const p = httpProbe.run(cfg(`${base}/hang`), ctx({ signal: ac.signal }));
    setTimeout(() => ac.abort(), 50);
    expect(await p).toMatchObject({ ok: false, unknown: true });
  });
});

// Hostile targets (quality.md): every probe ends within its timeout + 1 s and under 64 MB.
describe("http probe against hostile targets", () => {
  const raw: net.Server[] = [];
  const rawSockets = new Set<net.Socket>();
  afterAll(async () => {
    for (const s of rawSockets) s.destroy();
    await Promise.all(raw.map((s) => new Promise((r) => s.close(r))));
  });
  /** A raw TCP server: `onConnection` writes whatever bytes it likes. */
  async function rawServer(onConnection: (socket: net.Socket) => void): Promise<string> {
    const s = net.createServer((socket) => {
      rawSockets.add(socket);
      socket.on("close", () => rawSockets.delete(socket));
      socket.on("error", () => {});
      onConnection(socket);
    });
    raw.push(s);
    await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
    return `http://127.0.0.1:${(s.address() as AddressInfo).port}/`;
  }
  const timed = async (url: string, extra: Record<string, unknown>, timeoutMs: number) => {
    const before = process.memoryUsage().rss;
    const t0 = Date.now();
    const r = await httpProbe.run(cfg(url, extra), ctx({ timeoutMs }));
    return { r, ms: Date.now() - t0, rssGrowth: process.memoryUsage().rss - before };
  };

  it("slowloris: a status line then one header byte every 50 ms times out on the deadline", async () => {
    const url = await rawServer((socket) => {
      socket.write("HTTP/1.1 200 OK\r\nX-Slow: ");
      const t = setInterval(() => socket.write("a"), 50);
      socket.on("close", () => clearInterval(t));
    });
    const { r, ms } = await timed(url, {}, 500);
    expect(r).toMatchObject({ ok: false, error: "timeout after 500 ms" });
    expect(r.unknown).toBeUndefined();
    expect(ms).toBeLessThan(1500);
  });

  it("huge headers (1 MiB of them) are refused, not buffered", async () => {
    const url = await rawServer((socket) => {
      socket.write("HTTP/1.1 200 OK\r\n");
      const line = `X-Big: ${"b".repeat(8 * 1024)}\r\n`;
      for (let i = 0; i < 128; i++) socket.write(line);
      socket.end("\r\nok");
    });
    const { r, ms, rssGrowth } = await timed(url, {}, 2000);
    expect(r).toMatchObject({ ok: false, error: "response headers too large" });
    expect(ms).toBeLessThan(3000);
    expect(rssGrowth).toBeLessThan(64 * 1024 * 1024);
  });

  it("a gzip bomb (1 GiB inflated) is never inflated: the raw bytes are capped at maxBodyBytes", async () => {
    const member = gzipSync(Buffer.alloc(16 * 1024 * 1024));
    const url = await rawServer((socket) => {
      socket.write(
        "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Encoding: gzip\r\nConnection: close\r\n\r\n",
      );
      let sent = 0;
      const pump = () => {
        while (sent < 64 && socket.writable) {
          sent++;
          if (!socket.write(member)) return void socket.once("drain", pump);
        }
        socket.end();
      };
      pump();
    });
    const { r, ms, rssGrowth } = await timed(url, { keyword: "never-there", keywordMode: "absent" }, 2000);
    expect(r).toMatchObject({ ok: true, statusCode: 200 });
    expect(ms).toBeLessThan(3000);
    expect(rssGrowth).toBeLessThan(64 * 1024 * 1024);
  });

  it("an endless chunked body is cut at maxBodyBytes", async () => {
    const url = await rawServer((socket) => {
      socket.write("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
      const chunk = `10000\r\n${"c".repeat(0x10000)}\r\n`;
      const pump = () => {
        while (socket.writable && socket.write(chunk)) {}
        if (socket.writable) socket.once("drain", pump);
      };
      pump();
    });
    const { r, ms, rssGrowth } = await timed(url, { maxBodyBytes: 1024 * 1024, keyword: "c" }, 2000);
    expect(r).toMatchObject({ ok: true, statusCode: 200 });
    expect(ms).toBeLessThan(3000);
    expect(rssGrowth).toBeLessThan(64 * 1024 * 1024);
  });

  it("a server that accepts and never answers times out on the deadline", async () => {
    const url = await rawServer(() => {});
    const { r, ms } = await timed(url, {}, 400);
    expect(r).toMatchObject({ ok: false, error: "timeout after 400 ms" });
    expect(ms).toBeLessThan(1400);
  });

  it("a body without a length runs until the server closes; a short Content-Length body is a reset", async () => {
    const closeDelimited = await rawServer((socket) => {
      socket.write("HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nfirst part, ");
      setTimeout(() => socket.end("last part"), 50);
    });
    const { r } = await timed(closeDelimited, { keyword: "last part" }, 2000);
    expect(r).toMatchObject({ ok: true, statusCode: 200 });
    const short = await rawServer((socket) => socket.end("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly this"));
    const { r: cut } = await timed(short, {}, 2000);
    expect(cut).toMatchObject({ ok: false, error: "connection reset" });
  });

  it("a connection closed before any response is a failure, not unknown", async () => {
    const url = await rawServer((socket) => socket.destroy());
    const { r } = await timed(url, {}, 2000);
    expect(r.ok).toBe(false);
    expect(r.unknown).toBeUndefined();
    expect(r.error).toMatch(/connection reset|socket hang up|closed/i);
  });
});
