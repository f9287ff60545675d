import { spawn } from "node:child_process";
import http from "node:http";
import net from "node:net";
import os from "node:os";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { PROBES } from "./index.ts";
import type { Probe, ProbeContext, ProbeResult } from "./probe.ts";
import { buildPlatformDenyList } from "./ssrf/platform-deny.ts";
import { type Attempt, type Canary, recordConnectAttempts, startCanary } from "./ssrf/testing/canary.ts";
import {
  createSsrfGuard,
  dnsServerResolver,
  SSRF_ERROR_PREFIX,
  type SsrfGuard,
  type SsrfResolver,
  systemResolver,
} from "./ssrf.ts";
import { startDnsServer, type TestDnsServer } from "./testing/dns-server.ts";

/**
 * SSRF vectors through every probe kind (quality.md: ≥ 60 vectors, 0 connections reach a canary).
 *
 * Set-up: a canary (TCP + UDP, counting everything) on 127.0.0.1:P and on every other local address that
 * can share P (::1, this machine's own interface addresses). A "public" HTTP server on 127.0.0.2:P — the
 * only address the tenant allowlist (127.0.0.2/32) opens. A local DNS server for names (the guard's
 * resolver asks it for *.test). Every vector is run through every kind in PROBES; each run must
 *  - fail with an SSRF reason ("blocked by SSRF policy: ..."), or, for DNS rebinding, reach only the
 *    public server;
 *  - dial no address the guard refuses (every `net.Socket#connect` attempt is recorded with the IP it
 *    really dials — net, tls, undici, pg, ioredis, mqtt all go through it — and every spawned process);
 *  - add 0 hits on the canary.
 */

const PUBLIC = "127.0.0.2";
const ALLOW = [`${PUBLIC}/32`];
const TIMEOUT_MS = 1500;

let canary: Canary;
let dnsServer: TestDnsServer;
let publicServer: http.Server;
let guard: SsrfGuard;
let resolver: SsrfResolver;
let recorder: ReturnType<typeof recordConnectAttempts>;
const publicSockets = new Set<net.Socket>();
/** Names whose A record flips to the canary (127.0.0.1) right after the first answer (DNS rebinding). */
const rebinding = new Set<string>();

// --- per-kind config builders -------------------------------------------------------------------------
interface Target {
  host: string;
  port: number;
  url: string;
}
interface Builder {
  /** Config aiming at host:port (host as the vector spells it). */
  host?: (t: Target) => unknown;
  /** Config aiming at a URL (URL-based kinds; redirect vectors). */
  url?: (t: Target) => unknown;
}
const BUILDERS: Record<string, Builder> = {
  HTTP: { url: (t) => ({ url: t.url, maxRedirects: 5 }) },
  TCP: { host: (t) => ({ host: t.host, port: t.port }) },
  // The DNS probe's connection goes to the chosen resolver: that is what the guard must stop.
  DNS: { host: (t) => ({ name: "probe.example", recordType: "A", resolver: { host: t.host, port: t.port } }) },
  TLS: { host: (t) => ({ host: t.host, port: t.port, servername: "probe.example" }) },
  POSTGRES: { host: (t) => ({ host: t.host, port: t.port, database: "postgres", user: "postgres" }) },
  REDIS: { host: (t) => ({ host: t.host, port: t.port }) },
  MQTT: { host: (t) => ({ host: t.host, port: t.port }) },
  PROMETHEUS: { url: (t) => ({ url: t.url, metric: "up", op: "ge", threshold: 1 }) },
  ICMP: { host: (t) => ({ host: t.host }) },
};

// --- vectors ------------------------------------------------------------------------------------------
interface Vector {
  group: string;
  /** A host as a config would carry it (all kinds), or */
  host?: string;
  /** a URL (URL-based kinds only: redirects). `{P}` = canary port, `{PUB}` = public server origin. */
  url?: string;
  /**
   * ssrf (default): refused with an SSRF reason. rebind: the name first answers PUBLIC, then the canary;
   * the run must only ever reach PUBLIC. redirect: the public server redirects somewhere refused; the HTTP
   * probe must refuse with an SSRF reason, a kind that does not follow redirects just fails.
   */
  expect?: "ssrf" | "rebind" | "redirect";
}

/**
 * This machine's own non-loopback addresses that the guard must refuse (private, ULA, documentation...).
 * A public address on an interface (some CI hosts) is not a vector: the guard rightly allows it.
 */
function ownAddresses(): string[] {
  const strict = createSsrfGuard();
  return Object.values(os.networkInterfaces())
    .flat()
    .map((a) => a?.address ?? "")
    .filter((a) => a !== "" && !a.startsWith("fe80") && !a.startsWith("127.") && a !== "::1")
    .filter((a) => strict.check(a) !== null);
}

const host = (group: string, hosts: string[]): Vector[] => hosts.map((h) => ({ group, host: h }));
const VECTORS: Vector[] = [
  ...host("loopback v4", [
    "127.0.0.1",
    "127.1",
    "127.0.1",
    "2130706433",
    "0x7f000001",
    "0x7f.1",
    "0x7F.0x00.0x00.0x01",
    "0177.0x0.0.1",
    "0177.0.0.1",
    "0177.0.0.01",
    "017700000001",
    "0000177.0.0.1",
    "127.000.000.001",
    "127.0.0.1.",
    "127.127.127.127",
    "１２７.０.０.１",
    "localhost",
    "LOCALHOST.",
    "probe.localhost",
  ]),
  ...host("this-network", ["0.0.0.0", "0", "0x0", "0.0.0.0."]),
  ...host("loopback v6", [
    "::1",
    "[::1]",
    "0:0:0:0:0:0:0:1",
    "0000:0000:0000:0000:0000:0000:0000:0001",
    "::",
    "::ffff:127.0.0.1",
    "::ffff:7f00:1",
    "::FFFF:7F00:0001",
    "::ffff:0.0.0.0",
    "::127.0.0.1",
    "::7f00:1",
    "::ffff:0:7f00:1",
    "64:ff9b::127.0.0.1",
    "64:ff9b::7f00:1",
    "64:ff9b:1::7f00:1",
    "2002:7f00:1::1",
    "2001:0:4136:e378:8000:63bf:80ff:fffe",
    "::1%lo",
    "::ffff:127.0.0.1%1",
  ]),
  ...host("link-local + metadata", [
    "169.254.169.254",
    "2852039166",
    "0xa9fea9fe",
    "0251.0376.0251.0376",
    "169.254.170.2",
    "169.254.1.1",
    "::ffff:169.254.169.254",
    "::ffff:a9fe:a9fe",
    "64:ff9b::a9fe:a9fe",
    "fe80::1",
    "fe80::1%lo",
    "fd00:ec2::254",
    "100.100.100.200",
    "metadata.google.internal",
    "METADATA.GOOGLE.INTERNAL.",
    "metadata.goog",
    "metadata",
    "instance-data",
    "instance-data.ec2.internal",
  ]),
  ...host("private", [
    "10.0.0.1",
    "012.0.0.1",
    "172.16.0.1",
    "172.31.255.254",
    "192.168.0.1",
    "0xc0a80001",
    "100.64.0.1",
    "fc00::1",
    "fec0::1",
    "::ffff:10.0.0.1",
    "::ffff:192.168.0.1",
  ]),
  ...host("reserved", [
    "192.0.0.1",
    "198.18.0.1",
    "198.51.100.1",
    "203.0.113.1",
    "224.0.0.1",
    "239.255.255.250",
    "240.0.0.1",
    "255.255.255.255",
    "ff02::1",
    "2001:db8::1",
    "100::1",
  ]),
  // This machine's own (non-loopback) addresses: the canary listens there too.
  ...host("own interfaces", ownAddresses()),
  ...host("dns names", [
    "loop.test",
    "loop6.test",
    "mapped.test",
    "mixed.test",
    "meta.test",
    "private.test",
    "nat64.test",
    "cname.test",
    "zero.test",
  ]),
  { group: "dns rebinding (ttl 0)", host: "rebind.test", expect: "rebind" },
  { group: "dns rebinding (ttl 0)", host: "rebind-again.test", expect: "rebind" },
  {
    group: "dns rebinding (ttl 0)",
    url: "http://rebind-hop.test:{P}/redirect?to=http://rebind-hop.test:{P}/",
    expect: "redirect",
  },
  ...[301, 302, 303, 307, 308].map(
    (s): Vector => ({
      group: "redirects",
      url: `{PUB}/redirect?status=${s}&to=http://127.0.0.1:{P}/`,
      expect: "redirect",
    }),
  ),
  ...[
    "http://localhost:{P}/",
    "http://2130706433:{P}/",
    "http://0x7f.1:{P}/",
    "http://0177.0.0.1:{P}/",
    "http://[::1]:{P}/",
    "http://[::ffff:127.0.0.1]:{P}/",
    "http://[::ffff:7f00:1]:{P}/",
    "http://loop.test:{P}/",
    "http://169.254.169.254/latest/meta-data/",
    "http://metadata.google.internal/computeMetadata/v1/",
    "//127.0.0.1:{P}/",
    "https://127.0.0.1:{P}/",
    "gopher://127.0.0.1:{P}/_x",
    "file:///etc/passwd",
  ].map(
    (to): Vector => ({ group: "redirects", url: `{PUB}/redirect?to=${encodeURIComponent(to)}`, expect: "redirect" }),
  ),
  { group: "redirects", url: `{PUB}/chain?n=3&to=${encodeURIComponent("http://127.0.0.1:{P}/")}`, expect: "redirect" },
];

// --- harness ------------------------------------------------------------------------------------------
const fill = (s: string) =>
  s
    .replaceAll(/\{P\}|%7BP%7D/g, String(canary.port))
    .replaceAll(/\{PUB\}|%7BPUB%7D/g, `http://${PUBLIC}:${canary.port}`);
const urlHost = (h: string) => (h.includes(":") && !h.startsWith("[") ? `[${h}]` : h);

function targetOf(v: Vector): Target | null {
  if (v.host !== undefined)
    return { host: v.host, port: canary.port, url: `http://${urlHost(v.host)}:${canary.port}/` };
  return v.url ? { host: "", port: canary.port, url: fill(v.url) } : null;
}

function configFor(kind: string, v: Vector): { config: unknown } | null {
  const b = BUILDERS[kind];
  const t = targetOf(v);
  if (!b || !t) return null;
  if (v.host !== undefined) return b.host ? { config: b.host(t) } : b.url ? { config: b.url(t) } : null;
  return b.url ? { config: b.url(t) } : null; // URL vectors: only URL-based kinds
}

function prepareDns() {
  const set = (name: string, type: "A" | "AAAA" | "CNAME", answers: string[]) => dnsServer.set(name, type, answers, 0);
  set("loop.test", "A", ["127.0.0.1"]);
  set("loop6.test", "AAAA", ["::1"]);
  set("mapped.test", "AAAA", ["::ffff:127.0.0.1"]);
  set("mixed.test", "A", [PUBLIC, "127.0.0.1"]);
  set("meta.test", "A", ["169.254.169.254"]);
  set("private.test", "A", ["10.0.0.1"]);
  set("nat64.test", "AAAA", ["64:ff9b::7f00:1"]);
  set("cname.test", "CNAME", ["loop.test"]);
  set("zero.test", "A", ["0.0.0.0"]);
  set("public.test", "A", [PUBLIC]);
  for (const name of ["rebind.test", "rebind-again.test", "rebind-hop.test"]) {
    set(name, "A", [PUBLIC]);
    rebinding.add(name);
  }
}

const ctx = (): ProbeContext => ({ signal: new AbortController().signal, timeoutMs: TIMEOUT_MS, ssrf: guard });

interface Run {
  kind: string;
  outcome: "ran" | "schema";
  result?: ProbeResult;
  attempts: Attempt[];
  canaryHits: number;
}

async function runVector(kind: string, probe: Probe, v: Vector): Promise<Run | null> {
  const built = configFor(kind, v);
  if (!built) return null;
  prepareDns();
  const parsed = probe.configSchema.safeParse(built.config);
  if (!parsed.success) return { kind, outcome: "schema", attempts: [], canaryHits: 0 };
  const hitsBefore = canary.hits.length;
  recorder.attempts = [];
  recorder.recording = true;
  let result: ProbeResult;
  try {
    result = await probe.run(parsed.data, ctx());
  } finally {
    recorder.recording = false;
  }
  // Late arrivals (a socket that was still connecting) would show up within a tick or two.
  await new Promise((r) => setTimeout(r, 5));
  return { kind, outcome: "ran", result, attempts: recorder.attempts, canaryHits: canary.hits.length - hitsBefore };
}

/** Problems with one run (empty = the vector was stopped as it must be). */
function judge(v: Vector, run: Run): string[] {
  const problems: string[] = [];
  if (run.canaryHits > 0) problems.push(`${run.canaryHits} canary hit(s)`);
  for (const a of run.attempts) {
    if (a.kind === "spawn") {
      if (v.expect !== "rebind") problems.push(`spawned ${a.target}`);
      else if (!a.target.split(" ").includes(PUBLIC)) problems.push(`spawned ${a.target} (not the pinned address)`);
    } else if (guard.check(a.target) !== null) {
      problems.push(`dialled ${a.target}:${a.port} (${guard.check(a.target)})`);
    }
  }
  if (run.outcome === "schema") return problems;
  const r = run.result as ProbeResult;
  if (v.expect === "rebind") {
    if (!r.ok && /DNS lookup failed|ENOTFOUND|ENODATA/.test(r.error ?? "")) {
      problems.push(`resolved outside the guard (${r.error})`);
    }
    const dialled = run.attempts.filter((a) => a.kind === "tcp");
    if (dialled.some((a) => a.target !== PUBLIC)) problems.push("dialled something other than the pinned address");
  } else {
    if (r.ok) problems.push("probe succeeded");
    if (r.unknown) problems.push("probe reported unknown");
    const mustBeSsrf = v.expect !== "redirect" || run.kind === "HTTP";
    if (mustBeSsrf && !r.error?.startsWith(SSRF_ERROR_PREFIX)) problems.push(`not an SSRF refusal: ${r.error}`);
  }
  return problems;
}

// --- lifecycle ----------------------------------------------------------------------------------------
beforeAll(async () => {
  canary = await startCanary(ownAddresses());
  dnsServer = await startDnsServer();
  const viaDns = dnsServerResolver([`127.0.0.1:${dnsServer.port}`], { timeoutMs: 1000 });
  resolver = async (name, signal) => {
    if (!name.endsWith(".test")) return systemResolver(name, signal);
    const answers = await viaDns(name, signal);
    // DNS rebinding: after the first answer (PUBLIC) the record now points at the canary, TTL 0.
    if (rebinding.has(name)) dnsServer.set(name, "A", ["127.0.0.1"], 0);
    return answers;
  };
  guard = createSsrfGuard({ allowCidrs: ALLOW, resolver });

  publicServer = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://x");
    const to = url.searchParams.get("to");
    if (url.pathname === "/redirect" && to) {
      res.writeHead(Number(url.searchParams.get("status") ?? 302), { location: to });
      res.end();
      return;
    }
    if (url.pathname === "/chain" && to) {
      const n = Number(url.searchParams.get("n") ?? 0);
      const next = n > 0 ? `/chain?n=${n - 1}&to=${encodeURIComponent(to)}` : to;
      res.writeHead(302, { location: next });
      res.end();
      return;
    }
    res.end("public");
  });
  publicServer.on("connection", (s) => {
    publicSockets.add(s);
    s.on("close", () => publicSockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    publicServer.once("error", reject);
    publicServer.listen(canary.port, PUBLIC, resolve);
  });
  recorder = recordConnectAttempts();
});

afterEach(() => {
  if (recorder) recorder.recording = false;
});

afterAll(async () => {
  recorder?.restore();
  for (const s of publicSockets) s.destroy();
  await Promise.all([canary?.close(), dnsServer?.close(), publicServer && new Promise((r) => publicServer.close(r))]);
});

// --- tests --------------------------------------------------------------------------------------------
describe("ssrf vectors: harness", () => {
  it("has ≥ 60 vectors", () => {
    expect(VECTORS.length).toBeGreaterThanOrEqual(60);
  });

  it("every probe kind has a config builder that its schema accepts for the public target", () => {
    const target: Target = { host: PUBLIC, port: canary.port, url: `http://${PUBLIC}:${canary.port}/` };
    for (const [kind, probe] of Object.entries(PROBES) as [string, Probe][]) {
      const b = BUILDERS[kind];
      expect(b, `no SSRF vector builder for probe kind ${kind}: add one to BUILDERS`).toBeDefined();
      const config = b?.host ? b.host(target) : b?.url?.(target);
      const parsed = probe.configSchema.safeParse(config);
      expect(parsed.success, `builder for ${kind} does not match its schema: ${parsed.error?.message}`).toBe(true);
    }
  });

  it("the canary counts what reaches it (control)", async () => {
    canary.reset();
    for (const h of canary.hosts) {
      await new Promise<void>((resolve, reject) => {
        const s = net.connect({ host: h, port: canary.port }, () => {
          s.destroy();
          resolve();
        });
        s.on("error", reject);
      });
    }
    await expect.poll(() => canary.hits.length).toBe(canary.hosts.length);
    canary.reset();
  });

  it("the recorder sees every dial (with the IP really dialled) and every spawn (control)", async () => {
    recorder.attempts = [];
    recorder.recording = true;
    try {
      await new Promise<void>((resolve) => {
        const s = net.connect({ host: "localhost", port: canary.port, family: 4 }, () => {
          s.destroy();
          resolve();
        });
      });
      await new Promise((resolve) => spawn(process.execPath, ["-e", ""]).once("close", resolve));
    } finally {
      recorder.recording = false;
    }
    expect(recorder.attempts).toEqual([
      { kind: "tcp", target: "127.0.0.1", port: canary.port, requestedHost: "localhost", hasLookup: false },
      { kind: "spawn", target: `${process.execPath} -e ` },
    ]);
    await expect.poll(() => canary.hits.length).toBe(1);
    canary.reset();
  });

  it("without the guard's pinning, the rebinding name would reach the canary (control)", async () => {
    prepareDns();
    const viaDns = dnsServerResolver([`127.0.0.1:${dnsServer.port}`]);
    const first = await viaDns("rebind.test");
    dnsServer.set("rebind.test", "A", ["127.0.0.1"], 0); // what the guard's resolver does after answering
    const second = await viaDns("rebind.test");
    expect(first[0]?.address).toBe(PUBLIC);
    expect(second[0]?.address).toBe("127.0.0.1");
    expect(guard.check(first[0]?.address ?? "")).toBeNull();
    expect(guard.check(second[0]?.address ?? "")).not.toBeNull();
  });

  it("the public server is reachable through the guard (control)", async () => {
    const r = await PROBES.HTTP.run(PROBES.HTTP.configSchema.parse({ url: `http://${PUBLIC}:${canary.port}/` }), ctx());
    expect(r).toMatchObject({ ok: true, statusCode: 200 });
  });
});

const kinds = Object.entries(PROBES) as [string, Probe][];
const label = (v: Vector) => `${v.group}: ${v.host ?? v.url}`;

describe("ssrf vectors through every probe kind: 0 canary connections", () => {
  const coverage: Record<string, { ran: number; schema: number }> = {};

  it.each(VECTORS.map((v) => [label(v), v] as const))("%s", async (_label, v) => {
    const failures: string[] = [];
    let ran = 0;
    for (const [kind, probe] of kinds) {
      const run = await runVector(kind, probe, v);
      if (!run) continue;
      coverage[kind] ??= { ran: 0, schema: 0 };
      if (run.outcome === "schema") (coverage[kind] as { schema: number }).schema++;
      else {
        (coverage[kind] as { ran: number }).ran++;
        ran++;
      }
      for (const p of judge(v, run)) failures.push(`${kind}: ${p}`);
    }
    expect(failures).toEqual([]);
    // Every vector must actually be exercised by at least one kind (not only refused by schemas).
    expect(ran).toBeGreaterThan(0);
  });

  it("DNS rebinding through HTTP reaches the public server only (pinned address)", async () => {
    prepareDns();
    const r = await PROBES.HTTP.run(
      PROBES.HTTP.configSchema.parse({ url: `http://rebind.test:${canary.port}/` }),
      ctx(),
    );
    expect(r).toMatchObject({ ok: true, statusCode: 200 });
  });

  it("no canary hits over the whole run; every kind ran ≥ 60 vectors", () => {
    expect(canary.hits).toEqual([]);
    console.info(`SSRF vectors: ${VECTORS.length}; runs per kind: ${JSON.stringify(coverage)}`);
    for (const [kind] of kinds) expect(coverage[kind]?.ran ?? 0, kind).toBeGreaterThanOrEqual(60);
  });
});

// --- the platform deny list: Steward's own ports, whatever the allowlists say -----------------------------
/**
 * Four canaries play Steward's own database, Redis, web and worker health port (each on every local
 * address), named by the environment the deny list is built from; the real Postgres (5432) and Redis (6379)
 * of this machine are in it too (the default environment). The guard allows ALL of loopback and this
 * machine's addresses on every port (the deployment in development mode) plus 10.0.0.0/8 on every port
 * (a tenant's approved entry): the platform's ports must stay closed to every kind, every spelling of the
 * local host, and every redirect hop. ICMP is port-less (it reaches no service) and is not run here.
 */
const SERVICES = ["database", "redis", "web", "worker"] as const;
type Service = (typeof SERVICES)[number] | "real postgres" | "real redis";
let platformCanaries: Record<(typeof SERVICES)[number], Canary>;
let platformGuard: SsrfGuard;
const platformPort = (s: Service) =>
  s === "real postgres" ? 5432 : s === "real redis" ? 6379 : platformCanaries[s].port;
const platformHits = () => Object.values(platformCanaries ?? {}).reduce((n, c) => n + c.hits.length, 0);

const PLATFORM_HOSTS = [
  "127.0.0.1",
  "127.0.0.2",
  "127.1",
  "2130706433",
  "localhost",
  "::1",
  "[::1]",
  "::ffff:127.0.0.1",
  "64:ff9b::7f00:1",
  "0.0.0.0",
  "::",
  "loop.test",
  "mapped.test",
];

describe("platform deny list: Steward's own ports through every probe kind, whatever the allowlists say", () => {
  beforeAll(async () => {
    const own = ownAddresses();
    const entries = await Promise.all(SERVICES.map(async (s) => [s, await startCanary(own)] as const));
    platformCanaries = Object.fromEntries(entries) as typeof platformCanaries;
    const env = {
      DATABASE_URL: `postgresql://steward@127.0.0.1:${platformCanaries.database.port}/steward`,
      APP_DATABASE_URL: `postgresql://steward_app@localhost:${platformCanaries.database.port}/steward`,
      REDIS_URL: `redis://localhost:${platformCanaries.redis.port}`,
      WEB_PORT: String(platformCanaries.web.port),
      AUTH_URL: `http://127.0.0.1:${platformCanaries.web.port}`,
      WORKER_HEALTH_PORT: String(platformCanaries.worker.port),
    };
    const deny = [...(await buildPlatformDenyList(env)), ...(await buildPlatformDenyList({}))];
    const everyPort = (a: string) => `${a.includes(":") ? `[${a}/128]` : `${a}/32`}:1-65535`;
    platformGuard = createSsrfGuard({
      allowCidrs: ["127.0.0.0/8:1-65535", "[::1/128]:1-65535", "10.0.0.0/8:1-65535", ...own.map(everyPort)],
      deny,
      resolver,
    });
  });

  afterAll(async () => {
    await Promise.all(Object.values(platformCanaries ?? {}).map((c) => c.close()));
  });

  const cases: [string, Service, string][] = [];
  for (const service of [...SERVICES, "real postgres", "real redis"] as const) {
    for (const h of PLATFORM_HOSTS) cases.push([`${service} via ${h}`, service, h]);
    cases.push([`${service} via own interfaces`, service, "own"]);
  }

  it.each(cases)("%s", async (_label, service, spelled) => {
    const port = platformPort(service);
    const hosts = spelled === "own" ? ownAddresses() : [spelled];
    const failures: string[] = [];
    const hitsBefore = platformHits();
    for (const h of hosts) {
      const bare = h.startsWith("[") ? h.slice(1, -1) : h;
      const t: Target = { host: bare, port, url: `http://${urlHost(bare)}:${port}/` };
      for (const [kind, probe] of kinds) {
        if (kind === "ICMP") continue;
        const b = BUILDERS[kind];
        const parsed = probe.configSchema.safeParse(b?.host ? b.host(t) : b?.url?.(t));
        if (!parsed.success) continue;
        prepareDns();
        recorder.attempts = [];
        recorder.recording = true;
        let r: ProbeResult;
        try {
          r = await probe.run(parsed.data, {
            signal: new AbortController().signal,
            timeoutMs: TIMEOUT_MS,
            ssrf: platformGuard,
          });
        } finally {
          recorder.recording = false;
        }
        if (r.ok) failures.push(`${kind} ${h}: probe succeeded`);
        if (!r.error?.startsWith(SSRF_ERROR_PREFIX) || !/platform service/.test(r.error)) {
          failures.push(`${kind} ${h}: not a platform refusal: ${r.error}`);
        }
        for (const a of recorder.attempts) {
          if (a.kind === "spawn") failures.push(`${kind} ${h}: spawned ${a.target}`);
          else if (platformGuard.check(a.target, a.port ?? null) !== null) {
            failures.push(`${kind} ${h}: dialled ${a.target}:${a.port}`);
          }
        }
      }
    }
    await new Promise((r) => setTimeout(r, 5));
    expect(failures).toEqual([]);
    expect(platformHits() - hitsBefore).toBe(0);
  });

  it.each(
    [...SERVICES, "real postgres", "real redis"].flatMap((service) =>
      ["127.0.0.1", "localhost", "[::1]", "loop.test"].map(
        (h) => [`${service} via ${h}`, service as Service, h] as const,
      ),
    ),
  )("a redirect hop to %s is refused", async (_label, service, h) => {
    const to = `http://${h}:${platformPort(service)}/`;
    const url = `http://${PUBLIC}:${canary.port}/redirect?to=${encodeURIComponent(to)}`;
    prepareDns();
    const hitsBefore = platformHits();
    for (const kind of ["HTTP", "PROMETHEUS"] as const) {
      const b = BUILDERS[kind]!;
      const probe = PROBES[kind] as Probe;
      const r = await probe.run(probe.configSchema.parse(b.url!({ host: "", port: 0, url })), {
        signal: new AbortController().signal,
        timeoutMs: TIMEOUT_MS,
        ssrf: platformGuard,
      });
      expect(r.ok, kind).toBe(false);
      if (kind === "HTTP") expect(r.error).toMatch(/^blocked by SSRF policy: .*platform service/);
    }
    expect(platformHits() - hitsBefore).toBe(0);
  });

  it("control: the same guard reaches a loopback port that is not the platform's (the public server)", async () => {
    const r = await PROBES.HTTP.run(PROBES.HTTP.configSchema.parse({ url: `http://${PUBLIC}:${canary.port}/` }), {
      signal: new AbortController().signal,
      timeoutMs: TIMEOUT_MS,
      ssrf: platformGuard,
    });
    expect(r).toMatchObject({ ok: true, statusCode: 200 });
    // and the canaries do count (control).
    const c = platformCanaries.database;
    await new Promise<void>((resolve, reject) => {
      const s = net.connect({ host: "127.0.0.1", port: c.port }, () => {
        s.destroy();
        resolve();
      });
      s.on("error", reject);
    });
    await expect.poll(() => c.hits.length).toBe(1);
    c.reset();
  });
});
