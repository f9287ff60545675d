import dns, { type LookupAddress } from "node:dns";
import {
  blockedName,
  classify,
  type DenyRule,
  isLoopbackName,
  normaliseHost,
  parseAllowRules,
  parseIp,
  type TargetPort,
} from "./ssrf/address.ts";

export type { AllowRule, DenyRule, TargetPort } from "./ssrf/address.ts";
export { normaliseHost, parseAllowRules, parseCidrs, parseIp } from "./ssrf/address.ts";

/**
 * SSRF guard, shared by every probe kind (and by every other outbound connection of the product:
 * webhooks and notification channels must go through it too).
 *
 * A probe may only connect to global unicast addresses, unless an (address, port) falls inside an
 * allowlist entry (`cidr:ports`; the deployment's ∪ the tenant's approved entries), and never to an
 * (address, port) of the platform deny list (Steward's own database, Redis, web and worker, and the cloud
 * metadata endpoints; ./ssrf/platform-deny.ts), whatever the allowlists say. Rules: ./ssrf/address.ts.
 *
 * How a probe kind uses it — the address that passed the check is the address connected to (pinned), so
 * a name that rebinds between check and connect (DNS TTL 0) cannot slip through:
 *  - `resolvePinned(host, guard, { port, signal })` → `{ address, family }`, then connect to `address` on
 *    `port` (keep the original name for TLS `servername` / HTTP `Host`); or
 *  - `net.connect({ host, port, lookup: guard.lookupFor(port) })` / `tls.connect(...)`: the check runs
 *    inside the socket's one and only lookup (check IP literals with `check(host, port)` first: sockets
 *    skip the lookup for them);
 * Always pass the port: without one the guard judges as strictly as it can (every deny rule of the address
 * applies, only every-port allow entries open).
 *  - `pinnedLookup(pinned)` as the `lookup` of a client library that insists on a host name (undici).
 * Both throw / call back with `SsrfBlockedError` (code `ESSRFBLOCKED`); report it as
 * `ssrfFailure(err)` / an error starting with `SSRF_ERROR_PREFIX`.
 */
export interface SsrfGuard {
  /** null when the IP address (any spelling) may be contacted on `port`, otherwise the reason it may not. */
  check(address: string, port?: TargetPort): string | null;
  /** Resolves `host` (IP literal in any spelling, or name) once; every address must pass on `port`. */
  resolve(host: string, opts?: { signal?: AbortSignal; port?: TargetPort }): Promise<PinnedAddress[]>;
  /** A drop-in for `net.connect({ lookup })` that refuses blocked hosts and addresses on `port`. */
  lookupFor(port: TargetPort): typeof dns.lookup;
  /** `lookupFor(undefined)`: the strictest judgement (prefer lookupFor(port)). */
  lookup: typeof dns.lookup;
  /** The allowlist entries this guard opens (`cidr[:ports]`). */
  readonly allowCidrs: readonly string[];
  /** The platform deny list this guard applies after every allowlist. */
  readonly deny: readonly DenyRule[];
  /** The same guard (deny list, resolver) with another allowlist. */
  withAllow(allowCidrs: readonly string[]): SsrfGuard;
}

export interface PinnedAddress {
  address: string;
  family: 4 | 6;
}

/** Resolves a name to its addresses (the guard's only source of DNS answers). */
export type SsrfResolver = (hostname: string, signal?: AbortSignal) => Promise<PinnedAddress[]>;

export const SSRF_ERROR_PREFIX = "blocked by SSRF policy";

export class SsrfBlockedError extends Error {
  readonly code = "ESSRFBLOCKED";
  constructor(
    /** The host or address refused, as the probe's config spells it (normalised). */
    readonly address: string,
    readonly reason: string,
    /** For a name: the resolved address that was refused (for logs; not in the message). */
    readonly resolved?: string,
  ) {
    super(`${address} is not allowed (${reason})`);
    this.name = "SsrfBlockedError";
  }
}

export function isSsrfBlocked(err: unknown): err is SsrfBlockedError {
  const e = err as { code?: string; cause?: { code?: string } } | null;
  return e?.code === "ESSRFBLOCKED" || e?.cause?.code === "ESSRFBLOCKED";
}

/** The `error` text of a probe result refused by the guard. */
export function ssrfFailureMessage(err: unknown): string {
  const e = err as { message?: string; cause?: { code?: string; message?: string } };
  const message = e?.cause?.code === "ESSRFBLOCKED" ? e.cause.message : e?.message;
  return `${SSRF_ERROR_PREFIX}: ${message ?? String(err)}`;
}

/** The system resolver (getaddrinfo: /etc/hosts, then DNS), in the order it answers. */
export const systemResolver: SsrfResolver = async (hostname, signal) => {
  const lookup = dns.promises.lookup(hostname, { all: true, verbatim: true });
  const addresses = signal ? await abortable(lookup, signal) : await lookup;
  return addresses.map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));
};

/** A resolver asking specific DNS servers (A and AAAA), e.g. `["127.0.0.1:5353"]` in tests. */
export function dnsServerResolver(servers: readonly string[], opts: { timeoutMs?: number } = {}): SsrfResolver {
  return async (hostname, signal) => {
    const resolver = new dns.promises.Resolver({ timeout: opts.timeoutMs ?? 2000, tries: 1 });
    resolver.setServers([...servers]);
    const onAbort = () => resolver.cancel();
    signal?.addEventListener("abort", onAbort, { once: true });
    try {
      const settle = (p: Promise<string[]>) =>
        p.catch((err: NodeJS.ErrnoException) => {
          if (err.code === "ENODATA" || err.code === "ENOTFOUND") return [] as string[];
          throw err;
        });
      const [v4, v6] = await Promise.all([settle(resolver.resolve4(hostname)), settle(resolver.resolve6(hostname))]);
      const out: PinnedAddress[] = [
        ...v4.map((address) => ({ address, family: 4 as const })),
        ...v6.map((address) => ({ address, family: 6 as const })),
      ];
      if (out.length === 0) {
        throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: "ENOTFOUND", hostname });
      }
      return out;
    } finally {
      signal?.removeEventListener("abort", onAbort);
    }
  };
}

function abortable<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason ?? new Error("aborted"));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason ?? new Error("aborted"));
    signal.addEventListener("abort", onAbort, { once: true });
    p.then(
      (v) => {
        signal.removeEventListener("abort", onAbort);
        resolve(v);
      },
      (e) => {
        signal.removeEventListener("abort", onAbort);
        reject(e);
      },
    );
  });
}

export interface SsrfGuardOptions {
  /** Allowlist entries (`cidr`, `cidr:port`, `cidr:from-to`, `[v6-cidr]:port`); a bare CIDR opens every port. */
  allowCidrs?: readonly string[];
  /** The platform deny list (buildPlatformDenyList); applied after every allowlist. */
  deny?: readonly DenyRule[];
  resolver?: SsrfResolver;
}

export function createSsrfGuard(options: SsrfGuardOptions = {}): SsrfGuard {
  const allowCidrs = (options.allowCidrs ?? []).filter((c) => c.trim() !== "");
  const allowed = parseAllowRules(allowCidrs);
  const deny = options.deny ?? [];
  const resolver = options.resolver ?? systemResolver;

  function check(address: string, port?: TargetPort): string | null {
    const ip = parseIp(address);
    return ip ? classify(ip, allowed, port, deny) : "not an IP address";
  }

  async function resolve(
    host: string,
    opts: { signal?: AbortSignal; port?: TargetPort } = {},
  ): Promise<PinnedAddress[]> {
    const port = opts.port;
    const h = normaliseHost(host);
    if (h.kind === "invalid") throw new SsrfBlockedError(host, h.reason);
    if (h.kind === "ip") {
      const reason = classify(h.ip, allowed, port, deny);
      if (reason) throw new SsrfBlockedError(h.address, reason);
      return [{ address: h.address, family: h.family }];
    }
    const byName = blockedName(h.name);
    if (byName) throw new SsrfBlockedError(h.name, byName);
    if (isLoopbackName(h.name)) {
      const reason = check("127.0.0.1", port);
      if (reason) throw new SsrfBlockedError(h.name, reason);
    }
    const addresses = await resolver(h.name, opts.signal);
    if (addresses.length === 0) {
      throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${h.name}`), { code: "ENOTFOUND", hostname: h.name });
    }
    // Every answer must pass: a name mixing public and private answers is refused as a whole. The
    // message names the range, not the address: probe errors must not enumerate the worker's internal DNS.
    for (const a of addresses) {
      const reason = check(a.address, port);
      if (reason) throw new SsrfBlockedError(h.name, `resolves to a refused address: ${reason}`, a.address);
    }
    return addresses;
  }

  const lookupFor = (port: TargetPort) =>
    ((hostname: string, opts: unknown, cb: unknown) => {
      const callback = (typeof opts === "function" ? opts : cb) as (
        err: NodeJS.ErrnoException | null,
        address: string | LookupAddress[],
        family?: number,
      ) => void;
      const o = (
        typeof opts === "object" && opts !== null ? opts : typeof opts === "number" ? { family: opts } : {}
      ) as {
        all?: boolean;
        family?: number | string;
      };
      const family = o.family === "IPv4" ? 4 : o.family === "IPv6" ? 6 : Number(o.family ?? 0);
      resolve(hostname, { port }).then(
        (all) => {
          const addresses = family === 4 || family === 6 ? all.filter((a) => a.family === family) : all;
          const first = addresses[0];
          if (!first) {
            const err = Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: "ENOTFOUND" });
            return callback(err, o.all ? [] : "", undefined);
          }
          if (o.all) return callback(null, addresses);
          callback(null, first.address, first.family);
        },
        (err: NodeJS.ErrnoException) => callback(err, o.all ? [] : "", undefined),
      );
    }) as typeof dns.lookup;

  const withAllow = (other: readonly string[]) => createSsrfGuard({ ...options, allowCidrs: other });
  return { check, resolve, lookupFor, lookup: lookupFor(undefined), allowCidrs, deny, withAllow };
}

/**
 * Resolves `host` once through the guard and returns the address to connect to (the first answer; all
 * answers passed). Throws `SsrfBlockedError` when refused, or the resolver's error (ENOTFOUND, ...).
 */
export async function resolvePinned(
  host: string,
  guard: SsrfGuard,
  opts: { signal?: AbortSignal; port?: TargetPort } = {},
): Promise<PinnedAddress> {
  const [first] = await guard.resolve(host, opts);
  if (!first) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: "ENOTFOUND" });
  return first;
}

/** A `lookup` that answers every name with the pinned address (for clients that connect by name). */
export function pinnedLookup(pinned: PinnedAddress): typeof dns.lookup {
  return ((_hostname: string, opts: unknown, cb: unknown) => {
    const callback = (typeof opts === "function" ? opts : cb) as (
      err: NodeJS.ErrnoException | null,
      address: string | LookupAddress[],
      family?: number,
    ) => void;
    const all = typeof opts === "object" && opts !== null && (opts as { all?: boolean }).all;
    if (all) callback(null, [{ address: pinned.address, family: pinned.family }]);
    else callback(null, pinned.address, pinned.family);
  }) as typeof dns.lookup;
}

/** Loopback, every port: what unit tests of the probes allowlist (never the deployment's list). */
export const LOOPBACK_CIDRS: readonly string[] = ["127.0.0.0/8", "::1/128"];
