import ipaddr from "ipaddr.js";

/**
 * The address tables of the SSRF rules, kept here once (pure data): the guard in packages/probes judges
 * connections with them, and the allowlist validator (cidr-allowlist.ts, browser and server) uses them to
 * tell public from private entries and to refuse ranges holding a metadata address.
 */

export type IP = ipaddr.IPv4 | ipaddr.IPv6;
export type Cidr = [IP, number];

export const cidr = (s: string): Cidr => ipaddr.parseCIDR(s) as Cidr;

/** IANA IPv4 special-purpose registry (the parts that are not globally reachable) + multicast/reserved. */
export const SPECIAL_V4: readonly (readonly [Cidr, string])[] = [
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
export const SPECIAL_V6: readonly (readonly [Cidr, string])[] = [
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

/** Global unicast IPv6: everything outside it is refused by default. */
export const GLOBAL_V6: Cidr = cidr("2000::/3");

/** The local host itself: loopback and the unspecified addresses (a socket to 0.0.0.0 or :: reaches it). */
export const LOOPBACK_CIDRS: readonly string[] = ["127.0.0.0/8", "::1/128"];
export const THIS_HOST_CIDRS: readonly string[] = ["0.0.0.0/8", "::/128"];

/**
 * Cloud instance-metadata endpoints: refused on every port, whatever any allowlist says (a tenant's
 * allowlist must never hand out the worker's own cloud credentials). The one list: the SSRF guard
 * (packages/probes) and the allowlist validator both read it.
 */
export const CLOUD_METADATA_ADDRESSES: readonly string[] = [
  "169.254.169.254", // AWS, GCP, Azure, OCI, DigitalOcean, OpenStack
  "169.254.170.2", // AWS ECS task metadata / credentials
  "169.254.170.23", // AWS EKS pod identity agent
  "100.100.100.200", // Alibaba Cloud
  "fd00:ec2::254", // AWS IMDS over IPv6
  "fd00:ec2::23", // AWS EKS pod identity agent over IPv6
];

/** Names of metadata services, refused by name whatever they resolve to (and whatever the allowlist). */
export const CLOUD_METADATA_NAMES: readonly string[] = [
  "metadata",
  "metadata.google.internal",
  "metadata.goog",
  "instance-data",
  "instance-data.ec2.internal",
  "metadata.ec2.internal",
  "metadata.tencentyun.com",
];

export function rangeOverlaps([a, aBits]: Cidr, [b, bBits]: Cidr): boolean {
  if (a.kind() !== b.kind()) return false;
  return a.match(b as never, Math.min(aBits, bBits));
}

export function rangeContains([net, bits]: Cidr, addr: IP): boolean {
  return net.kind() === addr.kind() && addr.match(net as never, bits);
}

/**
 * True when every address of the range is global unicast (the guard lets it through without any
 * allowlist); false when the range overlaps any special-purpose (private, loopback, ...) range.
 */
export function isPublicRange(range: Cidr): boolean {
  const [net, bits] = range;
  if (net.kind() === "ipv4") return !SPECIAL_V4.some(([r]) => rangeOverlaps(range, r));
  if (!(bits >= GLOBAL_V6[1] && rangeContains(GLOBAL_V6, net))) return false;
  return !SPECIAL_V6.some(([r]) => rangeOverlaps(range, r));
}

/** True when the range overlaps loopback or this-host (0.0.0.0/8, ::): the probe worker itself. */
export function reachesLocalHost(range: Cidr): boolean {
  return [...LOOPBACK_CIDRS, ...THIS_HOST_CIDRS].some((c) => rangeOverlaps(range, cidr(c)));
}
