import { domainToASCII } from "node:url";
import {
  type Cidr,
  CLOUD_METADATA_ADDRESSES,
  CLOUD_METADATA_NAMES,
  cidr,
  GLOBAL_V6,
  type IP,
  type PortRange,
  SPECIAL_V4,
  SPECIAL_V6,
  splitAllowTarget,
} from "@steward/domain";
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

export type { Cidr, IP } from "@steward/domain";

const BLOCKED_V4 = SPECIAL_V4;
const BLOCKED_V6 = SPECIAL_V6;
const MAPPED = cidr("::ffff:0:0/96");
const NAT64 = cidr("64:ff9b::/96");

/**
 * Cloud instance-metadata endpoints (the one list, in @steward/domain): refused on every port even when
 * an allowlisted CIDR contains them (a tenant's allowlist must never hand out the worker's cloud credentials).
 */
const METADATA_ADDRESSES: readonly Cidr[] = CLOUD_METADATA_ADDRESSES.map((a) =>
  cidr(`${a}/${a.includes(":") ? 128 : 32}`),
);

/** Names of metadata services, refused by name whatever they resolve to (and whatever the allowlist). */
const METADATA_NAMES: ReadonlySet<string> = new Set(CLOUD_METADATA_NAMES);

/** An allowlist rule: a range and its ports (null: every port). */
export interface AllowRule {
  range: Cidr;
  ports: PortRange | null;
}

/** A platform deny rule: a range and its ports (null: every port), and what it protects. */
export interface DenyRule {
  range: Cidr;
  ports: PortRange | null;
  reason: string;
}

/**
 * Parses allowlist entries (`cidr`, `cidr:port`, `cidr:from-to`, `[v6-cidr]:port`; docs/ssrf.md) into
 * rules. Syntax only: which entries a tenant or the deployment may list is decided by the validator in
 * @steward/domain (normaliseAllowTarget); the guard opens exactly what it is given. Throws on bad syntax.
 */
export function parseAllowRules(entries: readonly string[]): AllowRule[] {
  return entries
    .map((e) => e.trim())
    .filter((e) => e !== "")
    .map((entry) => {
      const split = splitAllowTarget(entry);
      if (!split.ok) throw new Error(`invalid allowlist entry: ${split.message}`);
      return { range: parseCidr(split.cidrText), ports: split.ports };
    });
}

/** A CIDR or a bare address (one host). */
export function parseCidr(text: string): Cidr {
  const s = text.trim();
  if (s.includes("/")) return ipaddr.parseCIDR(s) as Cidr;
  const ip = ipaddr.parse(s);
  return [ip, ip.kind() === "ipv4" ? 32 : 128];
}

/** Legacy form (ranges, every port). */
export function parseCidrs(cidrs: readonly string[]): Cidr[] {
  return cidrs.map(parseCidr);
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
 * The port a connection goes to: a number; null for a port-less probe (ICMP); undefined when the caller
 * did not say — judged strictly (every deny rule of the address applies; only every-port rules allow).
 */
export type TargetPort = number | null | undefined;

const denyHits = (ports: PortRange | null, port: TargetPort): boolean =>
  ports === null || port === undefined || (port !== null && port >= ports.from && port <= ports.to);
const allowHits = (ports: PortRange | null, port: TargetPort): boolean =>
  ports === null || port === null || (port !== undefined && port >= ports.from && port <= ports.to);

/**
 * Reason `addr` (on `port`) may not be contacted, or null. In order:
 *  1. cloud metadata endpoints: refused on every port;
 *  2. the platform deny list (`denied`): refused whatever any allowlist says — applied after every
 *     allowlist, so no tenant or deployment entry can open Steward's own database, Redis, web or worker
 *     (a rule on some ports spares port-less probes: ICMP reaches no service);
 *  3. `allowed` opens its ranges on its ports (a port-less probe is allowed by a rule on any port);
 *  4. the special-purpose ranges (private, loopback, ...) are refused.
 * An IPv4-mapped / NAT64 address is judged by the IPv4 address it carries as well.
 */
export function classify(
  addr: IP,
  allowed: readonly (AllowRule | Cidr)[],
  port?: TargetPort,
  denied: readonly DenyRule[] = [],
): string | null {
  const v4 = addr.kind() === "ipv6" ? embeddedIPv4(addr as ipaddr.IPv6) : null;
  if (inRanges(addr, METADATA_ADDRESSES) || (v4 && inRanges(v4, METADATA_ADDRESSES))) {
    return "cloud metadata endpoint";
  }
  for (const rule of denied) {
    const hit = (a: IP) => a.kind() === rule.range[0].kind() && a.match(rule.range[0] as never, rule.range[1]);
    if ((hit(addr) || (v4 && hit(v4))) && denyHits(rule.ports, port)) return `platform service: ${rule.reason}`;
  }
  const rules = allowed.map((r) => (Array.isArray(r) ? { range: r, ports: null } : r));
  const opens = (a: IP) =>
    rules.some(
      ({ range: [net, bits], ports }) =>
        net.kind() === a.kind() && a.match(net as never, bits) && allowHits(ports, port),
    );
  if (opens(addr)) return null;
  if (v4) {
    if (opens(v4)) return null;
    const inner = classify(v4, [], port);
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
