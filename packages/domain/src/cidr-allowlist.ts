import ipaddr from "ipaddr.js";
import { z } from "zod";
import {
  type Cidr,
  CLOUD_METADATA_ADDRESSES,
  cidr,
  type IP,
  isPublicRange,
  rangeContains,
  rangeOverlaps,
  reachesLocalHost,
} from "./ip-ranges.ts";

/**
 * Probe allowlists: the targets probes may reach although the SSRF guard refuses them by default (private,
 * CGNAT, unique-local, ...). An entry is a CIDR **plus a port or port range** (docs/ssrf.md):
 *
 *    10.0.0.0/8:5432        10.1.2.0/24:8000-8100      127.0.0.1/32:4100 (deployment, development mode)
 *    [fd12:3456:789a::/48]:443                         203.0.113.7 (public: a bare CIDR, every port)
 *
 *  - The CIDR part (normaliseCidr): IPv4 `a.b.c.d/n` in four-part decimal (no `127.1`, `0x7f…`, leading
 *    zeros), or IPv6 `x::y/n` (no zone id, no dotted IPv4 tail); a bare address is one host (/32, /128).
 *    Host bits must be zero: `10.1.2.3/24` is REJECTED with both readings spelled out. Never broader than
 *    IPv4 /8 or IPv6 /7; never a range containing a cloud metadata address; never an IPv6 range that
 *    embeds IPv4 addresses (list the IPv4 range).
 *  - The port part: `:port` or `:from-to` (1–65535, from ≤ to); IPv6 CIDRs take brackets to carry one.
 *    A range that is not wholly public (private, CGNAT, unique-local, link-local, ...) MUST name its ports:
 *    opening a network is opening the services on it, and the platform's own ports are denied anyway
 *    (the deny list in packages/probes). `:1-65535` says "every port" explicitly.
 *  - Loopback and this-host (127.0.0.0/8, ::1, 0.0.0.0/8, ::) are the probe worker itself: never in a
 *    tenant's list; in the deployment's list only in development mode (STEWARD_DEV=1).
 * Entries are normalised (`FD00:0::/16` → `fd00::/16`, `127.0.0.1:80` → `127.0.0.1/32:80`, `:443-443` →
 * `:443`), deduplicated (first wins, order kept), and at most CIDR_ALLOWLIST_MAX remain.
 */

export const CIDR_ALLOWLIST_MAX = 64;
/** Longest accepted entry (the longest IPv6 CIDR is 43 characters; brackets and a port range add 14). */
const ENTRY_MAX_LENGTH = 64;
const MIN_PREFIX = { ipv4: 8, ipv6: 7 } as const;

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
  const metadata = METADATA.find((m) => rangeContains(range, m));
  if (metadata) {
    return {
      ok: false,
      message: `${canonical} contains the cloud metadata address ${metadata.toString()}, which probes may never reach: list narrower ranges that leave it out`,
    };
  }
  if (kind === "ipv6" && !(bits >= 127 && rangeContains(LOCAL_V6, network))) {
    const embedding = IPV4_EMBEDDING.find(([r]) => rangeOverlaps(range, r));
    if (embedding) {
      return {
        ok: false,
        message: `${canonical} overlaps the ${embedding[1]} addresses, which carry IPv4 addresses: list the IPv4 range instead`,
      };
    }
  }
  return { ok: true, cidr: canonical };
}

export interface PortRange {
  from: number;
  to: number;
}

/** An allowlist entry split into its CIDR text and ports (null: every port); syntax only. */
export type SplitTarget =
  | { ok: true; cidrText: string; ports: PortRange | null; bracketed: boolean }
  | { ok: false; message: string };

const PORT = /^(?:[1-9]\d{0,4})$/;

function parsePorts(input: string, text: string): PortRange | string {
  const [fromText = "", toText, ...more] = text.split("-");
  const bad = `"${input}": the port must be a number from 1 to 65535, or a range such as 8000-8100`;
  if (more.length > 0 || !PORT.test(fromText) || (toText !== undefined && !PORT.test(toText))) return bad;
  const from = Number(fromText);
  const to = toText === undefined ? from : Number(toText);
  if (from > 65535 || to > 65535) return bad;
  if (from > to) return `"${input}": the port range must run from the lower port to the higher (${to}-${from})`;
  return { from, to };
}

/**
 * Splits `cidr[:ports]` / `[ipv6-cidr][:ports]`. An IPv6 CIDR without brackets has no port part (every
 * port); with a port it must be bracketed (`[fd12::/48]:443`).
 */
export function splitAllowTarget(raw: string): SplitTarget {
  const input = raw.trim();
  if (input === "") return { ok: false, message: "Enter an IP address or a CIDR range, with its port" };
  if (input.startsWith("[")) {
    const close = input.indexOf("]");
    if (close < 0) return { ok: false, message: `"${input}": "[" without "]"` };
    const cidrText = input.slice(1, close);
    const rest = input.slice(close + 1);
    if (rest === "") return { ok: true, cidrText, ports: null, bracketed: true };
    if (!rest.startsWith(":"))
      return { ok: false, message: `"${input}": write the port after "]:", e.g. [${cidrText}]:443` };
    const ports = parsePorts(input, rest.slice(1));
    return typeof ports === "string" ? { ok: false, message: ports } : { ok: true, cidrText, ports, bracketed: true };
  }
  const colons = input.split(":").length - 1;
  if (colons === 1) {
    const at = input.indexOf(":");
    const ports = parsePorts(input, input.slice(at + 1));
    if (typeof ports === "string") return { ok: false, message: ports };
    return { ok: true, cidrText: input.slice(0, at), ports, bracketed: false };
  }
  return { ok: true, cidrText: input, ports: null, bracketed: false };
}

export function formatAllowTarget(cidrText: string, ports: PortRange | null): string {
  if (!ports) return cidrText;
  const host = cidrText.includes(":") ? `[${cidrText}]` : cidrText;
  return `${host}:${ports.from === ports.to ? ports.from : `${ports.from}-${ports.to}`}`;
}

/** Whose list an entry is in: a tenant's (organizations.probe_allow_cidrs) or the deployment's (env). */
export interface AllowTargetScope {
  scope: "tenant" | "deployment";
  /** Development mode (STEWARD_DEV=1): the only case where loopback may be allowed (deployment list). */
  dev?: boolean;
}

export type AllowTargetResult =
  | {
      ok: true;
      /** The canonical entry (`10.1.2.0/24:443`, `[fd12::/48]:443`, `203.0.113.0/24`). */
      entry: string;
      cidr: string;
      ports: PortRange | null;
      /** Wholly global unicast: reachable without any allowlist, so the entry changes nothing. */
      public: boolean;
    }
  | { ok: false; message: string };

/** Parses, checks and normalises one allowlist entry (CIDR + ports) for `scope`. */
export function normaliseAllowTarget(raw: string, opts: AllowTargetScope): AllowTargetResult {
  const input = raw.trim();
  if (input.length > ENTRY_MAX_LENGTH || /\s/.test(input)) {
    return { ok: false, message: `"${input.slice(0, ENTRY_MAX_LENGTH)}" is not an address or range with a port` };
  }
  const split = splitAllowTarget(input);
  if (!split.ok) return split;
  if (!split.bracketed && split.ports === null && split.cidrText.includes(":") && /\/\d+:\d/.test(split.cidrText)) {
    return { ok: false, message: `"${input}": put an IPv6 range in brackets to give it a port, e.g. [fd12::/48]:443` };
  }
  if (split.bracketed && !split.cidrText.includes(":")) {
    return { ok: false, message: `"${input}": brackets are for IPv6 only; write ${split.cidrText}:port` };
  }
  const c = normaliseCidr(split.cidrText);
  if (!c.ok) return c;
  const range = cidr(c.cidr);
  const entry = formatAllowTarget(c.cidr, split.ports);
  if (reachesLocalHost(range)) {
    if (opts.scope === "tenant") {
      return {
        ok: false,
        message: `${entry} reaches the probe worker itself (loopback or this-host addresses): a tenant cannot allow it`,
      };
    }
    if (!opts.dev) {
      return {
        ok: false,
        message: `${entry} reaches the probe worker itself (loopback): allowed only in development mode (STEWARD_DEV=1)`,
      };
    }
  }
  const pub = isPublicRange(range);
  if (!pub && split.ports === null) {
    const eg = formatAllowTarget(c.cidr, { from: 443, to: 443 });
    return {
      ok: false,
      message: `${c.cidr} is private address space: name the port or ports too, e.g. ${eg} or ${formatAllowTarget(c.cidr, { from: 8000, to: 8100 })} (1-65535 for every port)`,
    };
  }
  return { ok: true, entry, cidr: c.cidr, ports: split.ports, public: pub };
}

export interface CidrAllowlistIssue {
  /** Index of the entry in the input (-1: the list as a whole). */
  index: number;
  message: string;
}

export type CidrAllowlistResult = { ok: true; entries: string[] } | { ok: false; issues: CidrAllowlistIssue[] };

/** Normalises a whole list: every entry valid, duplicates removed (first kept), ≤ CIDR_ALLOWLIST_MAX. */
export function parseAllowTargets(entries: readonly string[], opts: AllowTargetScope): CidrAllowlistResult {
  const issues: CidrAllowlistIssue[] = [];
  const seen = new Set<string>();
  const out: string[] = [];
  entries.forEach((raw, index) => {
    const r = normaliseAllowTarget(raw, opts);
    if (!r.ok) issues.push({ index, message: r.message });
    else if (!seen.has(r.entry)) {
      seen.add(r.entry);
      out.push(r.entry);
    }
  });
  if (out.length > CIDR_ALLOWLIST_MAX) {
    issues.push({ index: -1, message: `At most ${CIDR_ALLOWLIST_MAX} entries (got ${out.length})` });
  }
  return issues.length > 0 ? { ok: false, issues } : { ok: true, entries: out };
}

/** zod schema of one tenant allowlist entry as a user submits it; the output is the canonical entry. */
export const TenantAllowTarget = z
  .string({ error: "Expected an address or range with a port" })
  .transform((raw, ctx) => {
    if (raw.length > 200) {
      ctx.addIssue({ code: "custom", message: "Too long for an address or range with a port" });
      return z.NEVER;
    }
    const r = normaliseAllowTarget(raw, { scope: "tenant" });
    if (r.ok) return r.entry;
    ctx.addIssue({ code: "custom", message: r.message });
    return z.NEVER;
  });

/** True when STEWARD_DEV says development mode ("1" or "true"). */
export function isDevMode(env: Readonly<Record<string, string | undefined>>): boolean {
  const v = env.STEWARD_DEV?.trim().toLowerCase();
  return v === "1" || v === "true";
}

/**
 * The deployment's allowlist from the environment (the worker, which runs every probe and "test now"):
 * `PROBE_ALLOWED_TARGETS`, comma-separated entries; empty or unset = nothing private (the default).
 * The old `PROBE_ALLOWED_CIDRS` is refused with a message: its entries had no ports and its default opened
 * all of loopback, so silently reading it would keep exactly what this replaced.
 */
export function parseDeploymentAllowTargets(
  env: Readonly<Record<string, string | undefined>>,
): { ok: true; entries: string[]; dev: boolean } | { ok: false; message: string } {
  if (env.PROBE_ALLOWED_CIDRS?.trim()) {
    return {
      ok: false,
      message:
        "PROBE_ALLOWED_CIDRS is no longer read: rename it PROBE_ALLOWED_TARGETS and give every private entry its port or ports (e.g. 10.0.0.0/8:5432, [fd12::/48]:443); see docs/ssrf.md",
    };
  }
  const dev = isDevMode(env);
  if (dev && env.NODE_ENV === "production") {
    return {
      ok: false,
      message:
        "STEWARD_DEV (development mode: loopback probe targets) cannot be set with NODE_ENV=production; unset one of them",
    };
  }
  const raw = (env.PROBE_ALLOWED_TARGETS ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
  const r = parseAllowTargets(raw, { scope: "deployment", dev });
  if (!r.ok) {
    return { ok: false, message: `PROBE_ALLOWED_TARGETS: ${r.issues.map((i) => i.message).join("; ")}` };
  }
  return { ok: true, entries: r.entries, dev };
}

/**
 * The targets a tenant's probes may reach: the deployment's allowlist ∪ the tenant's effective (approved)
 * entries. Tenant entries are re-checked with the tenant rules (a row edited outside the app cannot open
 * loopback, a port-less private range or anything else the validator refuses); invalid ones are dropped.
 * The deployment list was validated at start-up and passes through as given.
 */
export function effectiveAllowTargets(deployment: readonly string[], tenant: readonly string[]): string[] {
  const out = deployment.map((c) => c.trim()).filter((c) => c !== "");
  const seen = new Set(out);
  for (const raw of tenant) {
    const r = normaliseAllowTarget(raw, { scope: "tenant" });
    if (r.ok && !seen.has(r.entry)) {
      seen.add(r.entry);
      out.push(r.entry);
    }
  }
  return out;
}
