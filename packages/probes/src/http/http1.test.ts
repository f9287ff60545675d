import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { encodeRequest, HeadersTooLargeError, HttpProtocolError, type ReaderOptions, ResponseReader } from "./http1.ts";

const opts = (over: Partial<ReaderOptions> = {}): ReaderOptions => ({
  headRequest: false,
  maxHeaderBytes: 16 * 1024,
  maxBodyBytes: 64 * 1024,
  collectBody: true,
  ...over,
});

/** Feeds `wire` cut at `cuts` (byte offsets); returns the result, whether it completed, and the reader. */
function read(wire: string | Buffer, over: Partial<ReaderOptions> = {}, cuts: number[] = [], close = true) {
  const bytes = typeof wire === "string" ? Buffer.from(wire, "latin1") : wire;
  const reader = new ResponseReader(opts(over));
  let done = false;
  let at = 0;
  for (const cut of [...cuts.filter((c) => c > 0 && c < bytes.length).sort((a, b) => a - b), bytes.length]) {
    if (done) break;
    done = reader.push(bytes.subarray(at, cut));
    at = cut;
  }
  if (!done && close) {
    reader.end();
    done = true;
  }
  return { ...reader.result(), done, text: reader.result().body.toString("latin1") };
}

describe("ResponseReader", () => {
  it("Content-Length body; extra bytes after it are ignored", () => {
    const r = read("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-A: b\r\n\r\nhelloGARBAGE", {}, [], false);
    expect(r).toMatchObject({ statusCode: 200, done: true, bodyBytes: 5, text: "hello" });
    expect(r.headers).toMatchObject({ "content-length": "5", "x-a": "b" });
  });

  it("the same response cut at any byte gives the same result (head, chunked body, trailers)", () => {
    const wire =
      "HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\nContent-Type: text/plain\r\n\r\n" +
      "5;ext=1\r\nhello\r\n1A\r\n abcdefghijklmnopqrstuvwxy\r\n0\r\nX-Trailer: t\r\n\r\n";
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: wire.length - 1 }), { maxLength: 12 }), (cuts) => {
        const r = read(wire, {}, cuts, false);
        expect(r).toMatchObject({
          statusCode: 201,
          done: true,
          text: "hello abcdefghijklmnopqrstuvwxy",
          bodyBytes: 31,
        });
      }),
    );
  });

  it("no Content-Length and not chunked: the body runs until the peer closes", () => {
    const r = read("HTTP/1.0 200 OK\r\n\r\nall of it", {}, [3, 20]);
    expect(r).toMatchObject({ statusCode: 200, done: true, text: "all of it" });
    // a final coding other than chunked is close-delimited too (never decoded)
    const gz = read("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n\x1f\x8b\x08");
    expect(gz).toMatchObject({ done: true, bodyBytes: 3 });
  });

  it("bare LF line endings are accepted", () => {
    const r = read("HTTP/1.1 200 OK\nContent-Length: 2\nServer: tiny\n\nok", {}, [], false);
    expect(r).toMatchObject({ statusCode: 200, done: true, text: "ok", headers: { server: "tiny" } });
  });

  it("HEAD, 204 and 304 have no body whatever the headers say", () => {
    const head = read("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n", { headRequest: true }, [], false);
    expect(head).toMatchObject({ statusCode: 200, done: true, bodyBytes: 0 });
    for (const status of [204, 304]) {
      const r = read(`HTTP/1.1 ${status} X\r\nTransfer-Encoding: chunked\r\n\r\n`, {}, [], false);
      expect(r).toMatchObject({ statusCode: status, done: true, bodyBytes: 0 });
    }
  });

  it("interim 1xx responses are skipped; 101 is final", () => {
    const r = read(
      "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok",
      {},
      [10, 40],
      false,
    );
    expect(r).toMatchObject({ statusCode: 200, done: true, text: "ok" });
    expect(r.headers.link).toBeUndefined();
    expect(read("HTTP/1.1 101 Switching Protocols\r\n\r\n", {}, [], false)).toMatchObject({
      statusCode: 101,
      done: true,
    });
    expect(() => read("HTTP/1.1 103 Early Hints\r\n\r\n".repeat(17))).toThrow(/too many interim/);
  });

  it("reading stops at maxBodyBytes (counted and kept), or right after the head when skipped", () => {
    const endless = `HTTP/1.1 200 OK\r\n\r\n${"x".repeat(1000)}`;
    expect(read(endless, { maxBodyBytes: 100 }, [50, 130], false)).toMatchObject({
      done: true,
      bodyBytes: 100,
      text: "x".repeat(100),
    });
    expect(read(endless, { maxBodyBytes: 100, collectBody: false }, [], false)).toMatchObject({
      done: true,
      bodyBytes: 100,
      text: "",
    });
    expect(read(endless, { maxBodyBytes: 0 }, [], false)).toMatchObject({ done: true, bodyBytes: 0 });
    const redirect = "HTTP/1.1 302 Found\r\nLocation: /next\r\nContent-Length: 10\r\n\r\n";
    const skipped = read(redirect, { skipBody: (s, h) => s === 302 && h.location === "/next" }, [], false);
    expect(skipped).toMatchObject({ statusCode: 302, done: true, bodyBytes: 0 });
  });

  it("a connection closed before the response is complete is a reset, not a response", () => {
    const cut = (wire: string) => {
      try {
        read(wire);
        return "complete";
      } catch (err) {
        return `${(err as { code?: string }).code}: ${(err as Error).message}`;
      }
    };
    expect(cut("")).toBe("ECONNRESET: connection closed before a response");
    expect(cut("HTTP/1.1 200 OK\r\nContent-")).toBe("ECONNRESET: connection closed before the response ended");
    expect(cut("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort")).toMatch(/^ECONNRESET/);
    expect(cut("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel")).toMatch(/^ECONNRESET/);
  });

  it("headers: lower-cased names, set-cookie a list, repeated fields joined, singletons keep the first", () => {
    const r = read(
      "HTTP/1.1 200 OK\r\nSet-Cookie: a=1\r\nset-cookie: b=2\r\nVary: a\r\nVary: b\r\nLocation: /one\r\nLocation: /two\r\n" +
        "X-Fold: one\r\n  two\r\n__proto__: x\r\nContent-Length: 0\r\n\r\n",
      {},
      [],
      false,
    );
    expect(r.headers["set-cookie"]).toEqual(["a=1", "b=2"]);
    expect(r.headers).toMatchObject({ vary: "a, b", location: "/one", "x-fold": "one two" });
    // a hostile "__proto__" field is just a field (the headers object has no prototype)
    expect(Object.getOwnPropertyDescriptor(r.headers, "__proto__")?.value).toBe("x");
    expect(Object.getPrototypeOf(r.headers)).toBeNull();
  });

  it.each([
    ["SSH-2.0-OpenSSH_9.2\r\n", /not an HTTP\/1.x response/],
    ["HTTP/1.1 20 OK\r\n\r\n", /bad status line/],
    ["HTTP/2 200\r\n\r\n", /bad status line/],
    ["HTTP/1.1 200 OK\r\nno colon here\r\n\r\n", /bad header line/],
    ["HTTP/1.1 200 OK\r\nBad Name: x\r\n\r\n", /bad header line/],
    ["HTTP/1.1 200 OK\r\nX-A: a\x00b\r\n\r\n", /^bad character in a header value$/],
    ["HTTP/1.1 200 OK\r\n  folded: first\r\n\r\n", /continuation without a header/],
    ["HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!", /conflicting Content-Length/],
    ["HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", /bad Content-Length/],
    ["HTTP/1.1 200 OK\r\nContent-Length: 1e3\r\n\r\n", /bad Content-Length/],
    ["HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", /bad chunk size/],
    ["HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nfffffffffffffff\r\n", /bad chunk size/],
    ["HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabc\r\n", /not followed by CRLF/],
    [`HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1;${"e".repeat(5000)}`, /chunk-size line too long/],
  ])("refuses %j", (wire, message) => {
    const attempt = () => read(wire, {}, [], false);
    expect(attempt).toThrow(HttpProtocolError);
    expect(attempt).toThrow(message);
  });

  it("a duplicated identical Content-Length is fine", () => {
    expect(read("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\nok", {}, [], false)).toMatchObject({
      done: true,
      text: "ok",
    });
  });

  it("headers beyond maxHeaderBytes are refused as they arrive, before the blank line", () => {
    const reader = new ResponseReader(opts({ maxHeaderBytes: 1024 }));
    expect(reader.push(Buffer.from("HTTP/1.1 200 OK\r\n"))).toBe(false);
    const line = Buffer.from(`X-Big: ${"b".repeat(100)}\r\n`);
    const feed = () => {
      for (let i = 0; i < 20; i++) reader.push(line);
    };
    expect(feed).toThrow(HeadersTooLargeError);
    // a complete head that is too large is refused too
    expect(() =>
      read(`HTTP/1.1 200 OK\r\nX-Big: ${"b".repeat(2000)}\r\n\r\n`, { maxHeaderBytes: 1024 }, [], false),
    ).toThrow(HeadersTooLargeError);
  });
});

describe("encodeRequest", () => {
  const text = (req: Parameters<typeof encodeRequest>[0]) => encodeRequest(req).toString("utf8");

  it("request line, Host, default Accept, the headers, Connection: close and explicit framing", () => {
    expect(text({ method: "GET", target: "/a?b=1", host: "example.com:8080", headers: { "user-agent": "t/1" } })).toBe(
      "GET /a?b=1 HTTP/1.1\r\nhost: example.com:8080\r\naccept: */*\r\nuser-agent: t/1\r\nconnection: close\r\n\r\n",
    );
    expect(text({ method: "DELETE", target: "/", host: "h", body: "é" })).toBe(
      "DELETE / HTTP/1.1\r\nhost: h\r\naccept: */*\r\nconnection: close\r\ncontent-length: 2\r\n\r\né",
    );
    expect(text({ method: "POST", target: "/", host: "h" })).toContain("content-length: 0\r\n");
  });

  it("names are case-insensitive (Accept overrides the default); framing headers are the writer's own", () => {
    const out = text({
      method: "GET",
      target: "/",
      host: "h",
      headers: { Accept: "application/json", Host: "evil", Connection: "keep-alive", "Content-Length": "9" },
    });
    expect(out).toBe("GET / HTTP/1.1\r\nhost: h\r\nAccept: application/json\r\nconnection: close\r\n\r\n");
  });

  it("refuses anything that could split the request", () => {
    const bad = (req: Partial<Parameters<typeof encodeRequest>[0]>) => () =>
      encodeRequest({ method: "GET", target: "/", host: "h", ...req });
    expect(bad({ headers: { "X-A": "a\r\nInjected: 1" } })).toThrow(/invalid character in header X-A/);
    expect(bad({ headers: { "X-A": "a\nb" } })).toThrow(/invalid character/);
    expect(bad({ headers: { "X A": "a" } })).toThrow(/invalid header name/);
    expect(bad({ headers: { "X-A": "snow ☃" } })).toThrow(/invalid character/);
    expect(bad({ method: "GET /x HTTP/1.1\r\n" })).toThrow(/invalid HTTP method/);
    expect(bad({ target: "/a b" })).toThrow(/invalid request target/);
    expect(bad({ target: "/a\r\nX: 1" })).toThrow(/invalid request target/);
    expect(bad({ host: "h\r\nX: 1" })).toThrow(/invalid Host/);
  });
});
