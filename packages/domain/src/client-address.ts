import ipaddr from "ipaddr.js";

/**
 * Who is the client of an HTTP request (issue 8, item 4; ADR 0014). The only address nobody can forge is
 * the TCP peer's. `X-Forwarded-For` is believed only as far as the hops that wrote it are trusted proxies
 * (TRUSTED_PROXIES, a CIDR list; default none):
 *  - the peer is not a trusted proxy → the peer is the client, whatever the headers say;
 *  - the peer is a trusted proxy → walk X-Forwarded-For from the right (each proxy appends the address it
 *    saw) and take the first address that is not a trusted proxy; an unparseable entry ends the walk at
 *    the last trusted hop (nothing to its left can be vouched for); all trusted → the left-most.
 * Pure: the web app's request hook (apps/web/src/server/client-address-hook.ts) feeds it the socket.
 */

type IP = ipaddr.IPv4 | ipaddr.IPv6;
export type TrustedProxy = [IP, number];

/** An address in canonical text: IPv4-mapped IPv6 as IPv4, IPv6 compressed and without a zone; else null. */
export function canonicalAddress(raw: string | null | undefined): string | null {
  if (!raw) return null;
  let s = raw.trim();
  // "[::1]:443" / "1.2.3.4:5678" (some proxies add ports) → the address.
  const bracketed = /^\[([^\]]+)\](?::\d{1,5})?$/.exec(s);
  if (bracketed) s = bracketed[1]!;
  else if (/^\d{1,3}(\.\d{1,3}){3}:\d{1,5}$/.test(s)) s = s.slice(0, s.lastIndexOf(":"));
  s = s.replace(/%.*$/, ""); // zone id
  if (!ipaddr.isValid(s)) return null;
  // Four-part decimal IPv4 only (no `127.1`, octal or hex spellings).
  if (s.includes(".") && !s.includes(":") && !ipaddr.IPv4.isValidFourPartDecimal(s)) return null;
  let ip: IP = ipaddr.parse(s);
  if (ip.kind() === "ipv6" && (ip as ipaddr.IPv6).isIPv4MappedAddress()) ip = (ip as ipaddr.IPv6).toIPv4Address();
  return ip.toString();
}

export type TrustedProxiesResult = { ok: true; proxies: TrustedProxy[] } | { ok: false; message: string };

/** TRUSTED_PROXIES: comma- or space-separated CIDRs (a bare address is one host). Empty → none. */
export function parseTrustedProxies(raw: string | null | undefined): TrustedProxiesResult {
  const proxies: TrustedProxy[] = [];
  for (const entry of (raw ?? "").split(/[\s,]+/).filter(Boolean)) {
    try {
      const [addr, bits] = entry.includes("/") ? entry.split("/") : [entry, undefined];
      const canonical = canonicalAddress(addr);
      if (!canonical) throw new Error("not an address");
      const ip = ipaddr.parse(canonical);
      const max = ip.kind() === "ipv4" ? 32 : 128;
      const prefix = bits === undefined ? max : Number(bits);
      if (!/^\d{1,3}$/.test(bits ?? String(max)) || prefix > max) throw new Error("bad prefix");
      proxies.push([ip, prefix]);
    } catch {
      return { ok: false, message: `TRUSTED_PROXIES: "${entry}" is not an IP address or CIDR range` };
    }
  }
  return { ok: true, proxies };
}

/** True when `address` (any spelling canonicalAddress accepts) lies in one of the trusted proxy ranges. */
export function isTrustedProxy(address: string | null | undefined, proxies: readonly TrustedProxy[]): boolean {
  const canonical = canonicalAddress(address);
  if (!canonical || proxies.length === 0) return false;
  return isTrusted(canonical, proxies);
}

function isTrusted(address: string, proxies: readonly TrustedProxy[]): boolean {
  const ip = ipaddr.parse(address);
  return proxies.some(([net, bits]) => net.kind() === ip.kind() && ip.match(net, bits));
}

export interface ClientAddressInput {
  /** The TCP peer (`socket.remoteAddress`). */
  peer: string | null | undefined;
  /** Every X-Forwarded-For value as received (Node joins repeated headers with ", "). */
  forwardedFor: string | readonly string[] | null | undefined;
  trustedProxies: readonly TrustedProxy[];
}

/** The client's address (canonical text), or null when even the peer is unknown. */
export function clientAddressFrom({ peer, forwardedFor, trustedProxies }: ClientAddressInput): string | null {
  const peerAddress = canonicalAddress(peer);
  if (!peerAddress) return null;
  if (trustedProxies.length === 0 || !isTrusted(peerAddress, trustedProxies)) return peerAddress;
  const raw = Array.isArray(forwardedFor) ? forwardedFor.join(",") : ((forwardedFor as string | null) ?? "");
  const hops = raw.split(",").map((h) => h.trim());
  let client = peerAddress;
  for (let i = hops.length - 1; i >= 0; i--) {
    if (hops[i] === "") continue;
    const hop = canonicalAddress(hops[i]);
    if (!hop) return client; // garbage: the last trusted hop is as far as we can vouch
    client = hop;
    if (!isTrusted(hop, trustedProxies)) return hop;
  }
  return client;
}

/**
 * The key rate limits count an address under: IPv4 as is, IPv6 by its /64 (one customer's allocation —
 * rotating through a /64 must not buy fresh budgets).
 */
export function rateLimitAddressKey(address: string): string {
  const canonical = canonicalAddress(address);
  if (!canonical) return address.slice(0, 64);
  const ip = ipaddr.parse(canonical);
  if (ip.kind() === "ipv4") return canonical;
  const bytes = (ip as ipaddr.IPv6).toByteArray().slice(0, 8);
  return `${ipaddr.fromByteArray([...bytes, 0, 0, 0, 0, 0, 0, 0, 0]).toString()}/64`;
}
