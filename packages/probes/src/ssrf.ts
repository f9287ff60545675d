import dns, { type LookupAddress, type LookupAllOptions, type LookupOneOptions } from "node:dns";
import ipaddr from "ipaddr.js";

/**
 * SSRF guard (seam; the full vector suite is issue 3). A probe may only connect to public unicast
 * addresses, unless an address falls inside an explicitly allowlisted CIDR (the demo estate and tests
 * allowlist loopback). The check runs on the *resolved* addresses inside the socket's DNS lookup, so a
 * name that resolves to a private address (or rebinds between check and connect) is refused too.
 * IPv6 forms that embed an IPv4 address (IPv4-mapped, NAT64 64:ff9b::/96, 6to4, Teredo) are judged by
 * the embedded IPv4 address.
 */
export interface SsrfGuard {
  /** null when the address may be contacted, otherwise the reason it may not. */
  check(address: string): string | null;
  /** A drop-in for `net.connect({ lookup })` that refuses blocked addresses. */
  lookup: typeof dns.lookup;
  readonly allowCidrs: readonly string[];
}

type Range = [ipaddr.IPv4 | ipaddr.IPv6, number];

export class SsrfBlockedError extends Error {
  readonly code = "ESSRFBLOCKED";
  constructor(
    readonly address: string,
    readonly reason: string,
  ) {
    super(`address ${address} is not allowed (${reason})`);
    this.name = "SsrfBlockedError";
  }
}

function embeddedIPv4(addr: ipaddr.IPv6): ipaddr.IPv4 | null {
  if (addr.isIPv4MappedAddress()) return addr.toIPv4Address();
  const range = addr.range();
  const b = addr.toByteArray();
  if (range === "rfc6052") return ipaddr.fromByteArray(b.slice(12, 16)) as ipaddr.IPv4; // 64:ff9b::/96
  if (range === "6to4") return ipaddr.fromByteArray(b.slice(2, 6)) as ipaddr.IPv4; // 2002:AABB:CCDD::/48
  if (range === "teredo") return ipaddr.fromByteArray(b.slice(12, 16).map((x) => x ^ 0xff)) as ipaddr.IPv4;
  // 64:ff9b:1::/48 (local-use NAT64) is "reserved"/not unicast in ipaddr.js and blocked below.
  return null;
}

export function parseCidrs(cidrs: readonly string[]): Range[] {
  return cidrs.map((c) => {
    const s = c.trim();
    return (
      s.includes("/") ? ipaddr.parseCIDR(s) : [ipaddr.parse(s), ipaddr.parse(s).kind() === "ipv4" ? 32 : 128]
    ) as Range;
  });
}

function inRanges(addr: ipaddr.IPv4 | ipaddr.IPv6, ranges: Range[]): boolean {
  return ranges.some(([net, bits]) => net.kind() === addr.kind() && addr.match(net as never, bits));
}

export function createSsrfGuard(options: { allowCidrs?: readonly string[] } = {}): SsrfGuard {
  const allowCidrs = (options.allowCidrs ?? []).filter((c) => c.trim() !== "");
  const allowed = parseCidrs(allowCidrs);

  function check(address: string): string | null {
    const raw = address.startsWith("[") && address.endsWith("]") ? address.slice(1, -1) : address;
    if (!ipaddr.isValid(raw)) return "not an IP address";
    let addr: ipaddr.IPv4 | ipaddr.IPv6 = ipaddr.parse(raw.includes("%") ? raw.slice(0, raw.indexOf("%")) : raw);
    if (inRanges(addr, allowed)) return null;
    if (addr.kind() === "ipv6") {
      const v4 = embeddedIPv4(addr as ipaddr.IPv6);
      if (v4) {
        addr = v4;
        if (inRanges(addr, allowed)) return null;
      }
    }
    const range = addr.range();
    return range === "unicast" ? null : `${range} range`;
  }

  const lookup = ((hostname: string, opts: unknown, cb: unknown) => {
    const callback = (typeof opts === "function" ? opts : cb) as (
      err: NodeJS.ErrnoException | null,
      address: string | LookupAddress[],
      family?: number,
    ) => void;
    const o = (typeof opts === "object" && opts !== null ? opts : typeof opts === "number" ? { family: opts } : {}) as
      | LookupOneOptions
      | LookupAllOptions;
    dns.lookup(hostname, { ...o, all: true }, (err, addresses) => {
      if (err) return callback(err, o.all ? [] : "", undefined);
      for (const a of addresses) {
        const reason = check(a.address);
        if (reason) return callback(new SsrfBlockedError(a.address, reason), o.all ? [] : "", undefined);
      }
      if (o.all) return callback(null, addresses);
      const first = addresses[0];
      if (!first) return callback(Object.assign(new Error(`no address for ${hostname}`), { code: "ENOTFOUND" }), "");
      callback(null, first.address, first.family);
    });
  }) as typeof dns.lookup;

  return { check, lookup, allowCidrs };
}

/** Loopback only: what the demo estate and the tests allowlist. */
export const LOOPBACK_CIDRS: readonly string[] = ["127.0.0.0/8", "::1/128"];
