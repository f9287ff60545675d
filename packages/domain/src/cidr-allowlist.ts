import ipaddr from "ipaddr.js";
import { z } from "zod";

/**
 * A tenant's probe allowlist (organizations.probe_allow_cidrs): CIDRs its probes may reach although the
 * SSRF guard refuses them by default (private, loopback, CGNAT, unique-local, ...). The guard allows the
 * deployment's allowlist ∪ the tenant's (docs/ssrf.md).
 *
 * What an entry may be (pure; ipaddr.js does the parsing):
 *  - IPv4 `a.b.c.d/n` in four-part decimal (no `127.1`, `0x7f…`, leading zeros), or IPv6 `x::y/n` (no zone
 *    id, no dotted IPv4 tail). A bare address means one host (/32, /128).
 *  - Host bits must be zero: `10.1.2.3/24` is REJECTED (not silently widened or narrowed), with the two
 *    readings it may have meant spelled out (`10.1.2.0/24` or `10.1.2.3/32`). Opening a network is a
 *    security decision; guessing which one the user meant is not ours to make.
 *  - Never an all-address or near-all range: IPv4 prefixes shorter than /8, IPv6 shorter than /7.
 *  - Never a range containing a cloud metadata address (169.254.169.254, fd00:ec2::254, 100.100.100.200,
 *    ...): so `169.254.0.0/16`, `100.64.0.0/10` and `fd00::/8` as wholes are refused — list the
 *    narrower ranges you use (e.g. your ULA /48). The guard also keeps these addresses closed whatever
 *    the allowlist says; refusing the entry makes that visible instead of silently ineffective.
 *  - Never an IPv6 range that embeds IPv4 addresses (IPv4-mapped ::ffff:0:0/96, NAT64 64:ff9b::/96 …):
 *    the guard judges those by their IPv4 address, so the IPv4 range is what to list.
 * Entries are normalised (`FD00:0::/16` → `fd00::/16`, `127.0.0.1` → `127.0.0.1/32`), deduplicated
 * (first wins, order kept), and at most CIDR_ALLOWLIST_MAX remain.
 */

export const CIDR_ALLOWLIST_MAX = 64;
/** Longest accepted entry (the longest IPv6 CIDR is 43 characters). */
const ENTRY_MAX_LENGTH = 64;
const MIN_PREFIX = { ipv4: 8, ipv6: 7 } as const;

type IP = ipaddr.IPv4 | ipaddr.IPv6;
type Cidr = [IP, number];
const cidr = (s: string): Cidr => ipaddr.parseCIDR(s) as Cidr;

/** Mirrors the SSRF guard's metadata list (packages/probes/src/ssrf/address.ts). */
export const CLOUD_METADATA_ADDRESSES: readonly string[] = [
  "169.254.169.254", // AWS, GCP, Azure, OCI, DigitalOcean, OpenStack
  "169.254.170.2", // AWS ECS task metadata / credentials
  "169.254.170.23", // AWS EKS pod identity agent
  "100.100.100.200", // Alibaba Cloud
  "fd00:ec2::254", // AWS IMDS over IPv6
  "fd00:ec2::23", // AWS EKS pod identity agent over IPv6
];
const METADATA: readonly IP[] = CLOUD_METADATA_ADDRESSES.map((a) => ipaddr.parse(a));

/**
 * IPv6 prefixes that carry an IPv4 address; an entry overlapping one is refused (except `::1/128` and
 * `::/128`, loopback and unspecified, which sit inside ::/96 but carry no IPv4 address).
 */
const IPV4_EMBEDDING: readonly [Cidr, string][] = [
  [cidr("::/96"), "IPv4-compatible ::/96"],
  [cidr("::ffff:0:0/96"), "IPv4-mapped ::ffff:0:0/96"],
  [cidr("::ffff:0:0:0/96"), "IPv4-translated ::ffff:0:0:0/96"],
  [cidr("64:ff9b::/96"), "NAT64 64:ff9b::/96"],
  [cidr("64:ff9b:1::/48"), "local-use NAT64 64:ff9b:1::/48"],
  [cidr("2002::/16"), "6to4 2002::/16"],
  [cidr("2001::/32"), "Teredo 2001::/32"],
];

const LOCAL_V6: Cidr = cidr("::/127");

export type CidrResult = { ok: true; cidr: string } | { ok: false; message: string };

function overlaps([a, aBits]: Cidr, [b, bBits]: Cidr): boolean {
  if (a.kind() !== b.kind()) return false;
  return a.match(b as never, Math.min(aBits, bBits));
}

function contains([net, bits]: Cidr, addr: IP): boolean {
  return net.kind() === addr.kind() && addr.match(net as never, bits);
}

/** Parses, checks and normalises one allowlist entry. */
export function normaliseCidr(raw: string): CidrResult {
  const input = raw.trim();
  if (input === "") return { ok: false, message: "Enter an IP address or a CIDR range" };
  if (input.length > ENTRY_MAX_LENGTH || /\s/.test(input)) {
    return { ok: false, message: `"${input.slice(0, ENTRY_MAX_LENGTH)}" is not an IP address or CIDR range` };
  }
  const parts = input.split("/");
  if (parts.length > 2) return { ok: false, message: `"${input}" is not a CIDR range (one "/" at most)` };
  const [addrText = "", prefixText] = parts;

  let ip: IP;
  if (addrText.includes(":")) {
    if (addrText.includes("%")) return { ok: false, message: `"${input}": zone ids (%…) are not allowed` };
    if (addrText.includes(".")) {
      return { ok: false, message: `"${input}": write IPv4 addresses in IPv4 notation (e.g. 10.0.0.0/8)` };
    }
    if (!ipaddr.IPv6.isValid(addrText)) return { ok: false, message: `"${input}" is not a valid IPv6 address` };
    ip = ipaddr.IPv6.parse(addrText);
  } else {
    if (!ipaddr.IPv4.isValidFourPartDecimal(addrText)) {
      return {
        ok: false,
        message: `"${input}" is not a valid IPv4 address (four decimal numbers 0–255 without leading zeros)`,
      };
    }
    ip = ipaddr.IPv4.parse(addrText);
  }
  const kind = ip.kind();
  const maxBits = kind === "ipv4" ? 32 : 128;

  let bits = maxBits;
  if (prefixText !== undefined) {
    if (!/^(0|[1-9]\d{0,2})$/.test(prefixText) || Number(prefixText) > maxBits) {
      return { ok: false, message: `"${input}": the prefix length must be a number from 0 to ${maxBits}` };
    }
    bits = Number(prefixText);
  }

  const network = (kind === "ipv4" ? ipaddr.IPv4 : ipaddr.IPv6).networkAddressFromCIDR(`${ip.toString()}/${bits}`);
  if (network.toString() !== ip.toString()) {
    return {
      ok: false,
      message: `"${input}" has host bits set: write ${network.toString()}/${bits} for the network, or ${ip.toString()}/${maxBits} for one address`,
    };
  }
  const range: Cidr = [network, bits];
  const canonical = `${network.toString()}/${bits}`;

  if (bits === 0) return { ok: false, message: `${canonical} would allow every address: list the ranges you need` };
  if (bits < MIN_PREFIX[kind]) {
    return {
      ok: false,
      message: `${canonical} is too broad: ${kind === "ipv4" ? "IPv4" : "IPv6"} prefixes must be /${MIN_PREFIX[kind]} or longer`,
    };
  }
  const metadata = METADATA.find((m) => contains(range, m));
  if (metadata) {
    return {
      ok: false,
      message: `${canonical} contains the cloud metadata address ${metadata.toString()}, which probes may never reach: list narrower ranges that leave it out`,
    };
  }
  if (kind === "ipv6" && !(bits >= 127 && contains(LOCAL_V6, network))) {
    const embedding = IPV4_EMBEDDING.find(([r]) => overlaps(range, r));
    if (embedding) {
      return {
        ok: false,
        message: `${canonical} overlaps the ${embedding[1]} addresses, which carry IPv4 addresses: list the IPv4 range instead`,
      };
    }
  }
  return { ok: true, cidr: canonical };
}

export interface CidrAllowlistIssue {
  /** Index of the entry in the input (-1: the list as a whole). */
  index: number;
  message: string;
}

export type CidrAllowlistResult = { ok: true; cidrs: string[] } | { ok: false; issues: CidrAllowlistIssue[] };

/** Normalises a whole allowlist: every entry valid, duplicates removed (first kept), ≤ CIDR_ALLOWLIST_MAX. */
export function parseCidrAllowlist(entries: readonly string[]): CidrAllowlistResult {
  const issues: CidrAllowlistIssue[] = [];
  const seen = new Set<string>();
  const cidrs: string[] = [];
  entries.forEach((entry, index) => {
    const r = normaliseCidr(entry);
    if (!r.ok) issues.push({ index, message: r.message });
    else if (!seen.has(r.cidr)) {
      seen.add(r.cidr);
      cidrs.push(r.cidr);
    }
  });
  if (cidrs.length > CIDR_ALLOWLIST_MAX) {
    issues.push({ index: -1, message: `At most ${CIDR_ALLOWLIST_MAX} ranges (got ${cidrs.length})` });
  }
  return issues.length > 0 ? { ok: false, issues } : { ok: true, cidrs };
}

/**
 * zod schema of an allowlist as a user submits it: issues carry the entry's index as their path; the
 * output is the normalised, deduplicated list.
 */
export const CidrAllowlist = z
  .array(z.string().max(200), { error: "Expected a list of CIDR ranges" })
  .max(CIDR_ALLOWLIST_MAX * 4, { error: `At most ${CIDR_ALLOWLIST_MAX} ranges` })
  .transform((entries, ctx) => {
    const r = parseCidrAllowlist(entries);
    if (r.ok) return r.cidrs;
    for (const issue of r.issues) {
      ctx.addIssue({ code: "custom", message: issue.message, path: issue.index >= 0 ? [issue.index] : [] });
    }
    return z.NEVER;
  });

/**
 * The CIDRs a tenant's probes may reach: the deployment's allowlist ∪ the tenant's stored one. Stored
 * entries are re-checked (a row edited outside the app cannot open what the validator refuses); invalid
 * ones are dropped. The deployment list is the operator's and passes through as given.
 */
export function effectiveAllowCidrs(deployment: readonly string[], tenant: readonly string[]): string[] {
  const out = deployment.map((c) => c.trim()).filter((c) => c !== "");
  const seen = new Set(out);
  for (const entry of tenant) {
    const r = normaliseCidr(entry);
    if (r.ok && !seen.has(r.cidr)) {
      seen.add(r.cidr);
      out.push(r.cidr);
    }
  }
  return out;
}
