import http from "node:http";
import type { AddressInfo } from "node:net";
import { parseTrustedProxies, type TrustedProxy } from "@steward/domain";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  CLIENT_ADDRESS_HEADER,
  installClientAddressHook,
  isClientAddressHookInstalled,
  stampClientAddress,
} from "./client-address-hook.ts";

let server: http.Server;
let port: number;

beforeAll(async () => {
  installClientAddressHook([]); // TRUSTED_PROXIES unset
  // A plain Node server, as `next start` creates one: the handler echoes what it was given.
  server = http.createServer((req, res) => {
    res.setHeader("content-type", "application/json");
    res.end(
      JSON.stringify({
        client: req.headers[CLIENT_ADDRESS_HEADER],
        xff: req.headers["x-forwarded-for"],
        ...(req.headers["x-forwarded-host"] ? { host: req.headers["x-forwarded-host"] } : {}),
        ...(req.headers["x-forwarded-proto"] ? { proto: req.headers["x-forwarded-proto"] } : {}),
        ...(req.headers.forwarded ? { forwarded: req.headers.forwarded } : {}),
        ...(req.headers["x-real-ip"] ? { realIp: req.headers["x-real-ip"] } : {}),
      }),
    );
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

async function get(headers: Record<string, string>): Promise<{ client: string; xff: string }> {
  const res = await fetch(`http://127.0.0.1:${port}/`, { headers });
  return (await res.json()) as { client: string; xff: string };
}

describe("client-address hook on a real HTTP server", () => {
  it("is installed", () => {
    expect(isClientAddressHookInstalled()).toBe(true);
  });

  it("ignores a forged X-Forwarded-For and a forged client-address header", async () => {
    for (let i = 0; i < 20; i++) {
      const got = await get({ "x-forwarded-for": `203.0.113.${i}`, [CLIENT_ADDRESS_HEADER]: "198.51.100.1" });
      expect(got).toEqual({ client: "127.0.0.1", xff: "127.0.0.1" });
    }
  });

  it("drops the other forwarding headers of an untrusted client (host, proto, Forwarded, X-Real-IP)", async () => {
    const got = await get({
      "x-forwarded-host": "evil.example",
      "x-forwarded-proto": "https",
      forwarded: "for=203.0.113.9;host=evil.example",
      "x-real-ip": "203.0.113.9",
    });
    expect(got).toEqual({ client: "127.0.0.1", xff: "127.0.0.1" });
  });

  it("stamps requests without any header too", async () => {
    expect(await get({})).toEqual({ client: "127.0.0.1", xff: "127.0.0.1" });
  });
});

describe("stampClientAddress behind trusted proxies", () => {
  function fakeRequest(peer: string, xff?: string) {
    const headers: http.IncomingHttpHeaders = xff ? { "x-forwarded-for": xff } : {};
    const rawHeaders = xff ? ["X-Forwarded-For", xff, CLIENT_ADDRESS_HEADER, "6.6.6.6"] : [];
    if (xff) headers[CLIENT_ADDRESS_HEADER] = "6.6.6.6";
    return { socket: { remoteAddress: peer }, headers, rawHeaders } as unknown as http.IncomingMessage;
  }
  const trusted = (parseTrustedProxies("10.0.0.0/8") as { ok: true; proxies: TrustedProxy[] }).proxies;

  it("takes the right-most untrusted hop when the peer is a trusted proxy", () => {
    const req = fakeRequest("::ffff:10.0.0.2", "6.6.6.6, 198.51.100.7");
    stampClientAddress(req, trusted);
    expect(req.headers[CLIENT_ADDRESS_HEADER]).toBe("198.51.100.7");
    expect(req.headers["x-forwarded-for"]).toBe("6.6.6.6, 198.51.100.7");
    expect(req.rawHeaders).toEqual([
      "x-steward-client-address",
      "198.51.100.7",
      "x-forwarded-for",
      "6.6.6.6, 198.51.100.7",
    ]);
  });

  it("a trusted proxy's forwarding headers are kept", () => {
    const req = fakeRequest("10.0.0.2", "198.51.100.7");
    req.headers["x-forwarded-host"] = "steward.example";
    req.headers["x-forwarded-proto"] = "https";
    stampClientAddress(req, trusted);
    expect(req.headers).toMatchObject({ "x-forwarded-host": "steward.example", "x-forwarded-proto": "https" });
  });

  it("an untrusted peer is the client, and its X-Forwarded-For is replaced", () => {
    const req = fakeRequest("198.51.100.9", "10.0.0.7");
    stampClientAddress(req, trusted);
    expect(req.headers[CLIENT_ADDRESS_HEADER]).toBe("198.51.100.9");
    expect(req.headers["x-forwarded-for"]).toBe("198.51.100.9");
  });
});
