import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createSsrfGuard, type SsrfResolver } from "../ssrf.ts";
import {
  buildPlatformDenyList,
  createDeploymentGuard,
  describeDenyRule,
  guardForTenant,
  tenantGuards,
} from "./platform-deny.ts";

const LOCAL = ["127.0.0.1", "::1", "192.0.2.2", "fe80::1"];
const resolver: SsrfResolver = async (name) => {
  if (name === "db.internal") return [{ address: "10.9.9.9", family: 4 }];
  if (name === "redis.internal") return [{ address: "fd12::9", family: 6 }];
  if (name === "me.internal") return [{ address: "192.0.2.2", family: 4 }];
  if (name === "steward.example") return [{ address: "203.0.113.80", family: 4 }];
  throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${name}`), { code: "ENOTFOUND" });
};
const opts = { resolver, localAddresses: () => LOCAL };
const rules = async (env: Record<string, string>) =>
  (await buildPlatformDenyList(env, opts)).map(describeDenyRule).filter((r) => !r.includes("metadata"));

describe("buildPlatformDenyList", () => {
  it("the default environment: Postgres, Redis, web and worker ports on every local address", async () => {
    const r = await rules({});
    for (const port of [5432, 6379, 3000, 3101]) {
      for (const local of ["127.0.0.0/8", "::1/128", "0.0.0.0/8", "::/128", "192.0.2.2/32", "fe80::1/128"]) {
        expect(
          r.some((x) => x.startsWith(`${local.includes(":") ? `[${local}]` : local}:${port} `)),
          `${local}:${port}`,
        ).toBe(true);
      }
    }
    // Cloud metadata on every port.
    const all = (await buildPlatformDenyList({}, opts)).map(describeDenyRule);
    expect(all).toContain("169.254.169.254/32 cloud metadata endpoint");
  });

  it("remote services are denied on the addresses their names resolve to; a name resolving to this host is local", async () => {
    const r = await rules({
      DATABASE_URL: "postgresql://steward:pw@db.internal:6543/steward",
      REDIS_URL: "rediss://:pw@redis.internal:6380",
      AUTH_URL: "https://steward.example",
      WEB_PORT: "8080",
      WORKER_HEALTH_PORT: "0",
      SYSTEM_DATABASE_URL: "postgresql://steward_system@me.internal/steward",
    });
    expect(r).toContain("10.9.9.9/32:6543 Steward's own database");
    expect(r).not.toContain("127.0.0.0/8:6543 Steward's own database");
    expect(r).toContain("[fd12::9/128]:6380 Steward's own Redis");
    expect(r).toContain("203.0.113.80/32:443 Steward's own web server");
    expect(r).toContain("127.0.0.0/8:8080 Steward's own web server");
    // me.internal is one of this machine's addresses: every local address on 5432.
    expect(r).toContain("127.0.0.0/8:5432 Steward's own database");
    expect(r.some((x) => x.includes(":3101"))).toBe(false);
  });

  it("a Unix socket (empty host or ?host=/path) is local", async () => {
    expect(await rules({ DATABASE_URL: "postgresql://steward@/steward?host=/var/run/postgresql" })).toContain(
      "127.0.0.0/8:5432 Steward's own database",
    );
  });

  it("fails closed: an unresolvable platform host or a bad variable stops the build", async () => {
    await expect(buildPlatformDenyList({ REDIS_URL: "redis://nowhere.internal:6379" }, opts)).rejects.toThrow(
      /cannot resolve Steward's own Redis host "nowhere.internal"/,
    );
    await expect(buildPlatformDenyList({ WEB_PORT: "web" }, opts)).rejects.toThrow(/WEB_PORT is not a port/);
  });
});

describe("the guard judges (address, port): the deny list after every allowlist", () => {
  it("loopback open on one port (the demo estate); the platform's ports closed on every loopback spelling", async () => {
    const deny = await buildPlatformDenyList({}, opts);
    const guard = createSsrfGuard({ allowCidrs: ["127.0.0.1/32:4100", "[::1/128]:4100"], deny, resolver });
    expect(guard.check("127.0.0.1", 4100)).toBeNull();
    expect(guard.check("::1", 4100)).toBeNull();
    expect(guard.check("127.0.0.1", 4101)).toMatch(/loopback/);
    expect(guard.check("127.0.0.2", 4100)).toMatch(/loopback/);
    const wide = createSsrfGuard({ allowCidrs: ["127.0.0.0/8", "::1/128", "10.0.0.0/8:1-65535"], deny, resolver });
    for (const [address, port] of [
      ["127.0.0.1", 5432],
      ["127.0.0.2", 5432],
      ["127.255.0.9", 6379],
      ["::1", 3000],
      ["::ffff:127.0.0.1", 3101],
      ["64:ff9b::7f00:1", 5432],
      ["0.0.0.0", 6379],
      ["::", 5432],
      ["192.0.2.2", 5432],
    ] as const) {
      expect(wide.check(address, port), `${address}:${port}`).toMatch(/^platform service: Steward's own/);
    }
    expect(wide.check("127.0.0.1", 8080)).toBeNull();
    await expect(wide.resolve("localhost", { port: 5432 })).rejects.toMatchObject({ code: "ESSRFBLOCKED" });
  });

  it("no port (a caller that did not say) is judged strictly; a port-less probe (ICMP) is not stopped by port rules", async () => {
    const deny = await buildPlatformDenyList({}, opts);
    const guard = createSsrfGuard({ allowCidrs: ["10.1.0.0/16:443"], deny });
    expect(guard.check("127.0.0.1")).toMatch(/platform service/);
    expect(guard.check("10.1.2.3")).toMatch(/private/);
    expect(guard.check("10.1.2.3", 443)).toBeNull();
    expect(guard.check("10.1.2.3", null)).toBeNull();
    expect(guard.check("169.254.169.254", null)).toMatch(/metadata/);
  });

  it("a tenant's guard keeps the deployment's deny list", async () => {
    const deny = await buildPlatformDenyList({}, opts);
    const deployment = createSsrfGuard({ allowCidrs: [], deny });
    const tenant = guardForTenant(deployment, ["10.0.0.0/8:5432", "127.0.0.1/32:5432"]);
    expect(tenant.allowCidrs).toEqual(["10.0.0.0/8:5432"]);
    expect(tenant.deny).toBe(deny);
    expect(tenant.check("10.2.3.4", 5432)).toBeNull();
    expect(tenant.check("127.0.0.1", 5432)).toMatch(/platform service/);
    const cached = tenantGuards(deployment);
    expect(cached(["10.0.0.0/8:5432"])).toBe(cached(["10.0.0.0/8:5432"]));
    expect(cached([])).toBe(deployment);
  });
});

describe("createDeploymentGuard (fail closed)", () => {
  it("no environment: nothing private, the default deny list", async () => {
    const guard = await createDeploymentGuard({}, opts);
    expect(guard.allowCidrs).toEqual([]);
    expect(guard.check("127.0.0.1", 4100)).toMatch(/loopback/);
    expect(guard.deny.length).toBeGreaterThan(0);
  });

  it("NODE_ENV=development alone opens nothing; loopback needs STEWARD_DEV=1; the old variable is refused", async () => {
    expect((await createDeploymentGuard({ NODE_ENV: "development" }, opts)).check("127.0.0.1", 4100)).toMatch(
      /loopback/,
    );
    await expect(createDeploymentGuard({ PROBE_ALLOWED_TARGETS: "127.0.0.1/32:4100" }, opts)).rejects.toThrow(
      /STEWARD_DEV=1/,
    );
    await expect(createDeploymentGuard({ PROBE_ALLOWED_CIDRS: "127.0.0.0/8,::1/128" }, opts)).rejects.toThrow(
      /PROBE_ALLOWED_TARGETS/,
    );
    const demo = await createDeploymentGuard(
      { STEWARD_DEV: "1", PROBE_ALLOWED_TARGETS: "127.0.0.1/32:4100,[::1/128]:4100" },
      opts,
    );
    expect(demo.check("127.0.0.1", 4100)).toBeNull();
    expect(demo.check("127.0.0.1", 5432)).toMatch(/platform service/);
  });
});

describe("property: no allowlist opens a platform (address, port)", () => {
  it("any loopback / wildcard / mapped spelling of a platform port is refused, whatever is allowed", async () => {
    const deny = await buildPlatformDenyList({}, opts);
    const ports = [5432, 6379, 3000, 3101];
    const entry = fc.oneof(
      fc.constantFrom("127.0.0.0/8", "::1/128", "0.0.0.0/8", "::/128", "10.0.0.0/8", "192.0.2.0/24", "fe80::/10"),
      fc
        .tuple(
          fc.constantFrom("127.0.0.0/8", "127.0.0.1/32", "0.0.0.0/8", "192.0.2.2/32"),
          fc.integer({ min: 1, max: 65535 }),
          fc.integer({ min: 0, max: 65535 }),
        )
        .map(([c, a, w]) => `${c}:${a}-${Math.min(65535, a + w)}`),
      fc
        .tuple(fc.constantFrom("[::1/128]", "[::/128]", "[fe80::/10]"), fc.integer({ min: 1, max: 65535 }))
        .map(([c, p]) => `${c}:${p}-65535`),
    );
    const address = fc.oneof(
      fc
        .tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 }))
        .map(([a, b, c]) => `127.${a}.${b}.${c}`),
      fc.integer({ min: 0, max: 255 }).map((d) => `0.0.0.${d}`),
      fc.constantFrom("::1", "::", "::ffff:127.0.0.1", "64:ff9b::7f00:1", "192.0.2.2", "fe80::1", "[::1]"),
    );
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 6 }), address, fc.constantFrom(...ports), (allow, addr, port) => {
        const guard = createSsrfGuard({ allowCidrs: allow, deny });
        expect(guard.check(addr, port), `${addr}:${port} with ${allow.join(",")}`).toMatch(/^platform service: /);
      }),
      { numRuns: 500 },
    );
  });
});
