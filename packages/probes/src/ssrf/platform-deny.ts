import os from "node:os";
import {
  CLOUD_METADATA_ADDRESSES,
  effectiveAllowTargets,
  LOOPBACK_CIDRS,
  parseDeploymentAllowTargets,
  THIS_HOST_CIDRS,
} from "@steward/domain";
import { createSsrfGuard, type SsrfGuard, type SsrfResolver, systemResolver } from "../ssrf.ts";
import { type DenyRule, isLoopbackName, normaliseHost, parseCidr } from "./address.ts";

/**
 * The platform deny list: the (address, port) pairs of Steward itself — its PostgreSQL (DATABASE_URL,
 * APP_DATABASE_URL, SYSTEM_DATABASE_URL, AUTH_DATABASE_URL), Redis (REDIS_URL), web (WEB_PORT / PORT / AUTH_URL) and worker
 * health port (WORKER_HEALTH_PORT) — plus the cloud metadata endpoints on every port. Built once at
 * start-up (worker, web/API) from the environment; the SSRF guard applies it after every allowlist, so no
 * tenant or deployment entry can open it. Later outbound callers (webhooks, channels, adapters) get it
 * through the same guard.
 *
 * Local services are denied on every local address (strict, on purpose): when a service's host is
 * loopback, `localhost`, empty / a Unix socket directory, the unspecified address or an address of this
 * machine, its port is denied on all of 127.0.0.0/8, ::1, 0.0.0.0/8, :: and every interface address of
 * this host — a server bound to 0.0.0.0 / :: (or to the same socket on other loopback addresses) answers
 * on each of them. A remote service is denied on each address its name resolves to now.
 */
export type PlatformDenyList = readonly DenyRule[];

export type EnvLike = Readonly<Record<string, string | undefined>>;

/** The defaults of @steward/db, @steward/jobs, the web and the worker (a process without the variable uses them). */
const DEFAULTS = {
  DATABASE_URL: "postgresql://postgres@127.0.0.1:5432/steward",
  REDIS_URL: "redis://127.0.0.1:6379",
  WEB_PORT: "3000",
  WORKER_HEALTH_PORT: "3101",
  WORKER_HEALTH_HOST: "127.0.0.1",
};

const DEFAULT_PORTS: Record<string, number> = {
  "postgres:": 5432,
  "postgresql:": 5432,
  "redis:": 6379,
  "rediss:": 6379,
  "http:": 80,
  "https:": 443,
};

interface Service {
  what: string;
  /** Host as configured ("" or a path: local). */
  host: string;
  port: number;
}

export interface PlatformDenyOptions {
  resolver?: SsrfResolver;
  /** This machine's addresses (default: os.networkInterfaces()). */
  localAddresses?: () => string[];
}

function urlService(what: string, variable: string, url: string): Service {
  let u: URL;
  try {
    // libpq allows an empty host (`postgresql://user@/db?host=/run/postgresql`): a local socket.
    u = new URL(url.replace(/^([a-z][a-z0-9+.-]*:\/\/(?:[^@/]*@)?)\//i, "$1localhost/"));
  } catch {
    throw new Error(`platform deny list: ${variable} is not a URL`);
  }
  const port = u.port ? Number(u.port) : DEFAULT_PORTS[u.protocol];
  if (!port) throw new Error(`platform deny list: ${variable} has no port and no known default (${u.protocol})`);
  // libpq's `?host=` overrides the URL host (a Unix socket directory, or a TCP host).
  const host = u.searchParams.get("host") ?? decodeURIComponent(u.hostname);
  return { what, host, port };
}

function portService(what: string, variable: string, value: string, host = ""): Service | null {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`platform deny list: ${variable} is not a port number`);
  }
  return port === 0 ? null : { what, host, port };
}

/** The platform's services named by the environment (with the same defaults the processes use). */
export function platformServices(env: EnvLike): Service[] {
  const db = env.DATABASE_URL || DEFAULTS.DATABASE_URL;
  const services: (Service | null)[] = [
    urlService("Steward's own database", "DATABASE_URL", db),
    urlService("Steward's own database", "APP_DATABASE_URL", env.APP_DATABASE_URL || db),
    urlService("Steward's own database", "SYSTEM_DATABASE_URL", env.SYSTEM_DATABASE_URL || db),
    urlService("Steward's own database", "AUTH_DATABASE_URL", env.AUTH_DATABASE_URL || db),
    urlService("Steward's own Redis", "REDIS_URL", env.REDIS_URL || DEFAULTS.REDIS_URL),
    portService("Steward's own web server", "WEB_PORT", env.WEB_PORT || env.PORT || DEFAULTS.WEB_PORT),
    portService(
      "Steward's own worker",
      "WORKER_HEALTH_PORT",
      env.WORKER_HEALTH_PORT || DEFAULTS.WORKER_HEALTH_PORT,
      env.WORKER_HEALTH_HOST || DEFAULTS.WORKER_HEALTH_HOST,
    ),
  ];
  if (env.AUTH_URL) services.push(urlService("Steward's own web server", "AUTH_URL", env.AUTH_URL));
  if (env.PORT && env.PORT !== env.WEB_PORT) services.push(portService("Steward's own web server", "PORT", env.PORT));
  return services.filter((s): s is Service => s !== null);
}

function systemLocalAddresses(): string[] {
  return Object.values(os.networkInterfaces())
    .flat()
    .filter((i) => i !== undefined)
    .map((i) => i.address);
}

const hostRange = (address: string) => parseCidr(address.split("%")[0] ?? address);

/** Builds the platform deny list from an env-like object (resolving the services' host names once). */
export async function buildPlatformDenyList(env: EnvLike, opts: PlatformDenyOptions = {}): Promise<PlatformDenyList> {
  const resolver = opts.resolver ?? systemResolver;
  const local = [
    ...new Set([...LOOPBACK_CIDRS, ...THIS_HOST_CIDRS, ...(opts.localAddresses ?? systemLocalAddresses)()]),
  ];
  const localRanges = local.map(hostRange);
  const isLocal = (address: string) => {
    const ip = hostRange(address)[0];
    return localRanges.some(([net, bits]) => net.kind() === ip.kind() && ip.match(net as never, bits));
  };

  const rules: DenyRule[] = [];
  const seen = new Set<string>();
  const add = (address: string, port: number | null, reason: string) => {
    const range = address.includes("/") ? parseCidr(address) : hostRange(address);
    const key = `${range[0].toString()}/${range[1]}:${port ?? "*"}`;
    if (seen.has(key)) return;
    seen.add(key);
    rules.push({ range, ports: port === null ? null : { from: port, to: port }, reason });
  };
  for (const m of CLOUD_METADATA_ADDRESSES) add(m, null, "cloud metadata endpoint");

  for (const s of platformServices(env)) {
    const addresses: string[] = [];
    const raw = s.host.startsWith("[") && s.host.endsWith("]") ? s.host.slice(1, -1) : s.host;
    let localService = raw === "" || raw.startsWith("/");
    if (!localService) {
      const h = normaliseHost(raw);
      if (h.kind === "invalid") throw new Error(`platform deny list: ${s.what} host "${raw}" is invalid (${h.reason})`);
      if (h.kind === "ip") addresses.push(h.address);
      else if (isLoopbackName(h.name)) localService = true;
      else {
        try {
          addresses.push(...(await resolver(h.name)).map((a) => a.address));
        } catch (err) {
          // Fail closed: a deny list missing a platform address must not start.
          throw new Error(`platform deny list: cannot resolve ${s.what} host "${h.name}" (${(err as Error).message})`);
        }
      }
    }
    if (addresses.some(isLocal)) localService = true;
    if (localService) for (const l of local) add(l, s.port, s.what);
    for (const a of addresses) if (!localService || !isLocal(a)) add(a, s.port, s.what);
  }
  return rules;
}

/** How a deny rule reads in logs (`127.0.0.0/8:5432 Steward's own database`). */
export function describeDenyRule(rule: DenyRule): string {
  const [net, bits] = rule.range;
  const c = `${net.toString()}/${bits}`;
  const host = rule.ports && net.kind() === "ipv6" ? `[${c}]` : c;
  return `${host}${rule.ports ? `:${rule.ports.from}` : ""} ${rule.reason}`;
}

/**
 * The deployment's guard, built at start-up from the environment: PROBE_ALLOWED_TARGETS (validated;
 * loopback only with STEWARD_DEV=1; nothing private by default) and the platform deny list. Throws with
 * a clear message on a bad list (the process must not start with a guard it did not mean).
 */
export async function createDeploymentGuard(env: EnvLike, opts: PlatformDenyOptions = {}): Promise<SsrfGuard> {
  const allow = parseDeploymentAllowTargets(env);
  if (!allow.ok) throw new Error(allow.message);
  const deny = await buildPlatformDenyList(env, opts);
  return createSsrfGuard({ allowCidrs: allow.entries, deny, ...(opts.resolver ? { resolver: opts.resolver } : {}) });
}

/**
 * The guard of one tenant's probes: the deployment's allowlist ∪ the tenant's effective (approved) entries,
 * re-validated; the deployment guard's platform deny list and resolver stay. Every caller that probes for
 * a tenant (scheduled runs in the worker, "test now") builds its guard here.
 */
export function guardForTenant(deployment: SsrfGuard, tenantEntries: readonly string[]): SsrfGuard {
  if (tenantEntries.length === 0) return deployment;
  return deployment.withAllow(effectiveAllowTargets(deployment.allowCidrs, tenantEntries));
}

/** `guardForTenant` with a small cache (one guard per distinct tenant list; tenants without one share). */
export function tenantGuards(deployment: SsrfGuard, max = 1000): (tenantEntries: readonly string[]) => SsrfGuard {
  const cache = new Map<string, SsrfGuard>();
  return (tenantEntries) => {
    if (tenantEntries.length === 0) return deployment;
    const key = tenantEntries.join(",");
    let guard = cache.get(key);
    if (!guard) {
      if (cache.size >= max) cache.clear();
      guard = guardForTenant(deployment, tenantEntries);
      cache.set(key, guard);
    }
    return guard;
  };
}
