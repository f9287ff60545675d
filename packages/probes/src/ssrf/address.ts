import { domainToASCII } from "node:url";
import ipaddr from "ipaddr.js";

/**
 * Address and host-name rules of the SSRF guard (pure; no I/O).
 *
 * A probe may reach global unicast addresses only. Everything in the tables below is refused unless an
 * allowlisted CIDR contains it (the cloud metadata endpoints are refused even then). IPv6 forms that
 * carry an IPv4 address a packet really goes to (IPv4-mapped, NAT64 64:ff9b::/96) are judged by that IPv4
 * address; every other IPv4-embedding or transition form (IPv4-compatible, SIIT, local-use NAT64, 6to4,
 * Teredo) is refused outright.
 */

export type IP = ipaddr.IPv4 | ipaddr.IPv6;
export type Cidr = [IP, number];

const cidr = (s: string): Cidr => ipaddr.parseCIDR(s) as Cidr;

/** IANA IPv4 special-purpose registry (the parts that are not globally reachable) + multicast/reserved. */
const BLOCKED_V4: [Cidr, string][] = [
  [cidr("0.0.0.0/8"), "this-network (0.0.0.0/8, reaches the local host)"],
  [cidr("10.0.0.0/8"), "private (10.0.0.0/8)"],
  [cidr("100.64.0.0/10"), "carrier-grade NAT (100.64.0.0/10)"],
  [cidr("127.0.0.0/8"), "loopback (127.0.0.0/8)"],
  [cidr("169.254.0.0/16"), "link-local (169.254.0.0/16)"],
  [cidr("172.16.0.0/12"), "private (172.16.0.0/12)"],
  [cidr("192.0.0.0/24"), "IETF protocol assignments (192.0.0.0/24)"],
  [cidr("192.0.2.0/24"), "documentation (192.0.2.0/24)"],
  [cidr("192.88.99.0/24"), "6to4 relay anycast (192.88.99.0/24)"],
  [cidr("192.168.0.0/16"), "private (192.168.0.0/16)"],
  [cidr("198.18.0.0/15"), "benchmarking (198.18.0.0/15)"],
  [cidr("198.51.100.0/24"), "documentation (198.51.100.0/24)"],
  [cidr("203.0.113.0/24"), "documentation (203.0.113.0/24)"],
  [cidr("224.0.0.0/4"), "multicast (224.0.0.0/4)"],
  [cidr("255.255.255.255/32"), "broadcast"],
  [cidr("240.0.0.0/4"), "reserved (240.0.0.0/4)"],
];

/** IPv6 outside 2000::/3 is never global unicast; the names make the refusal readable. */
const BLOCKED_V6: [Cidr, string][] = [
  [cidr("::/128"), "unspecified (::, reaches the local host)"],
  [cidr("::1/128"), "loopback (::1)"],
  [cidr("::ffff:0:0:0/96"), "IPv4-translated (::ffff:0:0:0/96)"],
  [cidr("::/96"), "IPv4-compatible (::/96, deprecated)"],
  [cidr("64:ff9b:1::/48"), "local-use NAT64 (64:ff9b:1::/48)"],
  [cidr("100::/64"), "discard-only (100::/64)"],
  [cidr("fc00::/7"), "unique local (fc00::/7)"],
  [cidr("fe80::/10"), "link-local (fe80::/10)"],
  [cidr("fec0::/10"), "site-local (fec0::/10, deprecated)"],
  [cidr("ff00::/8"), "multicast (ff00::/8)"],
  // Inside 2000::/3:
  [cidr("2001::/32"), "Teredo (2001::/32)"],
  [cidr("2001:db8::/32"), "documentation (2001:db8::/32)"],
  [cidr("2001::/23"), "IETF protocol assignments (2001::/23)"],
  [cidr("2002::/16"), "6to4 (2002::/16)"],
  [cidr("3fff::/20"), "documentation (3fff::/20)"],
];
const GLOBAL_V6 = cidr("2000::/3");
const MAPPED = cidr("::ffff:0:0/96");
const NAT64 = cidr("64:ff9b::/96");

/**
 * Cloud instance-metadata endpoints: refused even when an allowlisted CIDR contains them (a tenant's
 * allowlist must never hand out the worker's own cloud credentials).
 */
const METADATA_ADDRESSES: readonly Cidr[] = [
  "169.254.169.254/32", // AWS, GCP, Azure, OCI, DigitalOcean, OpenStack
  "169.254.170.2/32", // AWS ECS task metadata / credentials
  "169.254.170.23/32", // AWS EKS pod identity agent
  "100.100.100.200/32", // Alibaba Cloud
  "fd00:ec2::254/128", // AWS IMDS over IPv6
  "fd00:ec2::23/128", // AWS EKS pod identity agent over IPv6
].map(cidr);

/** Names of metadata services, refused by name whatever they resolve to (and whatever the allowlist). */
const METADATA_NAMES: ReadonlySet<string> = new Set([
  "metadata",
  "metadata.google.internal",
  "metadata.goog",
  "instance-data",
  "instance-data.ec2.internal",
  "metadata.ec2.internal",
  "metadata.tencentyun.com",
]);

export function parseCidrs(cidrs: readonly string[]): Cidr[] {
  return cidrs.map((c) => {
    const s = c.trim();
    if (s.includes("/")) return ipaddr.parseCIDR(s) as Cidr;
    const ip = ipaddr.parse(s);
    return [ip, ip.kind() === "ipv4" ? 32 : 128];
  });
}

export function inRanges(addr: IP, ranges: readonly Cidr[]): boolean {
  return ranges.some(([net, bits]) => net.kind() === addr.kind() && addr.match(net as never, bits));
}

function embeddedIPv4(addr: ipaddr.IPv6): ipaddr.IPv4 | null {
  if (addr.match(MAPPED[0] as ipaddr.IPv6, MAPPED[1]) || addr.match(NAT64[0] as ipaddr.IPv6, NAT64[1])) {
    return ipaddr.fromByteArray(addr.toByteArray().slice(12, 16)) as ipaddr.IPv4;
  }
  return null;
}

/**
 * Parses an IP literal in any spelling a socket or URL would accept: canonical, bracketed IPv6, IPv6 with
 * a zone id, and the legacy inet_aton IPv4 forms (`127.1`, `2130706433`, `0x7f000001`, `0177.0.0.1`,
 * trailing dot). null when `input` is not an IP literal.
 */
export function parseIp(input: string): IP | null {
  let s = input.trim();
  if (s.startsWith("[") && s.endsWith("]")) s = s.slice(1, -1);
  if (s.includes(":")) {
    const zone = s.indexOf("%");
    if (zone >= 0) s = s.slice(0, zone);
    // A dotted IPv4 tail is two plain hex groups (inet_pton: "::1.2.3.4" is ::102:304). ipaddr.js would
    // read "::a.b.c.d" as IPv4-*mapped* (::ffff:a.b.c.d), judging a different address than the one dialled.
    const tail = /^(.*:)(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s);
    if (tail) {
      const [a, b, c, d] = tail.slice(2).map(Number) as [number, number, number, number];
      if (![a, b, c, d].every((x) => x <= 255) || tail.slice(2).some((x) => x.length > 1 && x.startsWith("0"))) {
        return null;
      }
      s = `${tail[1]}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
    }
    return ipaddr.IPv6.isValid(s) ? ipaddr.IPv6.parse(s) : null;
  }
  if (s === "" || !/^[0-9a-fA-FxX.]+$/.test(s)) return null;
  // The WHATWG host parser implements the inet_aton forms; it returns "" for invalid numbers.
  const host = domainToASCII(s);
  return ipaddr.IPv4.isValidFourPartDecimal(host) ? ipaddr.IPv4.parse(host) : null;
}

export type HostName =
  | { kind: "ip"; ip: IP; address: string; family: 4 | 6 }
  | { kind: "name"; name: string }
  | { kind: "invalid"; reason: string };

/**
 * Normalises a host as a URL or a raw `net.connect` host string may spell it: IP literals in every
 * spelling become canonical addresses; names are IDNA-mapped, lower-cased and lose the trailing dot.
 */
export function normaliseHost(input: string): HostName {
  const ip = parseIp(input);
  if (ip) {
    const v = ip.kind() === "ipv4" ? 4 : 6;
    return { kind: "ip", ip, address: ip.toString(), family: v };
  }
  const raw = input.trim();
  if (raw === "" || raw.length > 253 + 1) return { kind: "invalid", reason: "invalid host name" };
  if (raw.includes(":") || raw.startsWith("[")) return { kind: "invalid", reason: "invalid IP address" };
  const ascii = domainToASCII(raw);
  if (ascii === "") return { kind: "invalid", reason: "invalid host name" };
  // domainToASCII may itself have produced an IPv4 address (e.g. fullwidth digits).
  const again = parseIp(ascii);
  if (again) return { kind: "ip", ip: again, address: again.toString(), family: again.kind() === "ipv4" ? 4 : 6 };
  const name = ascii.toLowerCase().replace(/\.+$/, "");
  if (name === "") return { kind: "invalid", reason: "invalid host name" };
  return { kind: "name", name };
}

/** Reason a name is refused before any resolution, or null. */
export function blockedName(name: string): string | null {
  if (METADATA_NAMES.has(name) || name.endsWith(".metadata.google.internal")) return "cloud metadata host name";
  return null;
}

/** `localhost` and `*.localhost` are loopback by definition (RFC 6761), whatever a resolver says. */
export function isLoopbackName(name: string): boolean {
  return name === "localhost" || name.endsWith(".localhost");
}

/**
 * Reason `addr` may not be contacted, or null. `allowed` opens ranges (checked on the address and on the
 * IPv4 address an IPv4-mapped / NAT64 address carries); metadata endpoints stay closed regardless.
 */
export function classify(addr: IP, allowed: readonly Cidr[]): string | null {
  const v4 = addr.kind() === "ipv6" ? embeddedIPv4(addr as ipaddr.IPv6) : null;
  if (inRanges(addr, METADATA_ADDRESSES) || (v4 && inRanges(v4, METADATA_ADDRESSES))) {
    return "cloud metadata endpoint";
  }
  if (inRanges(addr, allowed)) return null;
  if (v4) {
    if (inRanges(v4, allowed)) return null;
    const inner = classify(v4, allowed);
    return inner && `${inner} inside ${addr.match(MAPPED[0] as never, MAPPED[1]) ? "IPv4-mapped" : "NAT64"} IPv6`;
  }
  if (addr.kind() === "ipv4") {
    for (const [[net, bits], reason] of BLOCKED_V4) if (addr.match(net as never, bits)) return reason;
    return null;
  }
  for (const [[net, bits], reason] of BLOCKED_V6) if (addr.match(net as never, bits)) return reason;
  if (!addr.match(GLOBAL_V6[0] as never, GLOBAL_V6[1])) return "reserved (outside global unicast 2000::/3)";
  return null;
}
