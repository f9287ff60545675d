import { describe, expect, it } from "vitest";
import {
  canonicalAddress,
  clientAddressFrom,
  parseTrustedProxies,
  rateLimitAddressKey,
  type TrustedProxy,
} from "./client-address.ts";

function proxies(raw: string): TrustedProxy[] {
  const r = parseTrustedProxies(raw);
  if (!r.ok) throw new Error(r.message);
  return r.proxies;
}

describe("clientAddressFrom", () => {
  it("without trusted proxies the peer is the client, whatever X-Forwarded-For says", () => {
    for (const xff of ["6.6.6.6", "6.6.6.6, 7.7.7.7", "127.0.0.1", "", null, "garbage"]) {
      expect(clientAddressFrom({ peer: "203.0.113.9", forwardedFor: xff, trustedProxies: [] })).toBe("203.0.113.9");
    }
  });

  it("20 different forged values from one client all map to that client", () => {
    const seen = new Set<string | null>();
    for (let i = 0; i < 20; i++)
      seen.add(clientAddressFrom({ peer: "::ffff:198.51.100.7", forwardedFor: `10.0.0.${i}`, trustedProxies: [] }));
    expect([...seen]).toEqual(["198.51.100.7"]);
  });

  it("a peer that is not a trusted proxy cannot speak for anyone", () => {
    const trusted = proxies("10.0.0.0/8");
    expect(clientAddressFrom({ peer: "198.51.100.7", forwardedFor: "192.0.2.1", trustedProxies: trusted })).toBe(
      "198.51.100.7",
    );
  });

  it("behind trusted proxies: the right-most address that is not a proxy", () => {
    const trusted = proxies("10.0.0.0/8, 172.16.0.1");
    // The client forged "1.1.1.1"; the edge proxy appended the real client, the inner proxy the edge.
    const xff = "1.1.1.1, 198.51.100.7, 10.1.2.3";
    expect(clientAddressFrom({ peer: "172.16.0.1", forwardedFor: xff, trustedProxies: trusted })).toBe("198.51.100.7");
    // Repeated headers are one list.
    expect(
      clientAddressFrom({ peer: "10.0.0.5", forwardedFor: ["1.1.1.1", "198.51.100.7"], trustedProxies: trusted }),
    ).toBe("198.51.100.7");
  });

  it("all hops trusted → the left-most; no header → the proxy itself; garbage stops the walk", () => {
    const trusted = proxies("10.0.0.0/8");
    expect(clientAddressFrom({ peer: "10.0.0.1", forwardedFor: "10.0.0.3, 10.0.0.2", trustedProxies: trusted })).toBe(
      "10.0.0.3",
    );
    expect(clientAddressFrom({ peer: "10.0.0.1", forwardedFor: null, trustedProxies: trusted })).toBe("10.0.0.1");
    expect(
      clientAddressFrom({ peer: "10.0.0.1", forwardedFor: "6.6.6.6, not-an-ip, 10.0.0.2", trustedProxies: trusted }),
    ).toBe("10.0.0.2");
  });

  it("IPv6 and mapped addresses are canonical", () => {
    expect(canonicalAddress("::ffff:127.0.0.1")).toBe("127.0.0.1");
    expect(canonicalAddress("2001:DB8:0:0::1")).toBe("2001:db8::1");
    expect(canonicalAddress("[2001:db8::1]:443")).toBe("2001:db8::1");
    expect(canonicalAddress("192.0.2.1:8080")).toBe("192.0.2.1");
    expect(canonicalAddress("127.1")).toBeNull();
    expect(canonicalAddress("0x7f.0.0.1")).toBeNull();
    expect(canonicalAddress("evil.example")).toBeNull();
    const trusted = proxies("2001:db8:ffff::/48");
    expect(
      clientAddressFrom({ peer: "2001:db8:ffff::1", forwardedFor: "2001:db8:1::42", trustedProxies: trusted }),
    ).toBe("2001:db8:1::42");
  });
});

describe("parseTrustedProxies", () => {
  it("parses lists and refuses garbage", () => {
    expect(proxies("").length).toBe(0);
    expect(proxies("10.0.0.0/8 192.168.1.1,::1").length).toBe(3);
    expect(parseTrustedProxies("10.0.0.0/33").ok).toBe(false);
    expect(parseTrustedProxies("proxy.internal").ok).toBe(false);
    expect(parseTrustedProxies("10.0.0.0/x").ok).toBe(false);
  });
});

describe("rateLimitAddressKey", () => {
  it("IPv4 as is, IPv6 by /64", () => {
    expect(rateLimitAddressKey("198.51.100.7")).toBe("198.51.100.7");
    expect(rateLimitAddressKey("2001:db8:1:2:aaaa::1")).toBe("2001:db8:1:2::/64");
    expect(rateLimitAddressKey("2001:db8:1:2:bbbb::9")).toBe("2001:db8:1:2::/64");
  });
});
