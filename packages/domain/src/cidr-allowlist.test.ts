import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  CIDR_ALLOWLIST_MAX,
  effectiveAllowTargets,
  normaliseAllowTarget,
  normaliseCidr,
  parseAllowTargets,
  parseDeploymentAllowTargets,
  splitAllowTarget,
  TenantAllowTarget,
} from "./cidr-allowlist.ts";
import { CLOUD_METADATA_ADDRESSES } from "./ip-ranges.ts";

const ok = (s: string) => {
  const r = normaliseCidr(s);
  if (!r.ok) throw new Error(`expected ${s} to be accepted: ${r.message}`);
  return r.cidr;
};
const refused = (s: string) => {
  const r = normaliseCidr(s);
  if (r.ok) throw new Error(`expected ${s} to be refused, got ${r.cidr}`);
  return r.message;
};

describe("normaliseCidr", () => {
  it("accepts IPv4 and IPv6 ranges and normalises their spelling", () => {
    expect(ok("10.0.0.0/8")).toBe("10.0.0.0/8");
    expect(ok(" 192.168.10.0/24 ")).toBe("192.168.10.0/24");
    expect(ok("127.0.0.1/32")).toBe("127.0.0.1/32");
    expect(ok("172.16.0.0/12")).toBe("172.16.0.0/12");
    expect(ok("fd12:3456:789a::/48")).toBe("fd12:3456:789a::/48");
    expect(ok("FD12:3456:789A:0000::/64")).toBe("fd12:3456:789a::/64");
    expect(ok("::1/128")).toBe("::1/128");
    expect(ok("::/128")).toBe("::/128");
    expect(ok("fc00::/8")).toBe("fc00::/8");
    expect(ok("100.64.0.0/11")).toBe("100.64.0.0/11");
  });

  it("reads a bare address as one host", () => {
    expect(ok("10.1.2.3")).toBe("10.1.2.3/32");
    expect(ok("fd00:1::5")).toBe("fd00:1::5/128");
    expect(ok("::1")).toBe("::1/128");
  });

  it("rejects host bits with both readings spelled out", () => {
    const m = refused("10.1.2.3/24");
    expect(m).toContain("host bits");
    expect(m).toContain("10.1.2.0/24");
    expect(m).toContain("10.1.2.3/32");
    expect(refused("fd00:1::1/64")).toContain("fd00:1::/64");
  });

  it.each([
    ["", "Enter an IP address"],
    ["garbage", "not a valid IPv4"],
    ["10.0.0.0/33", "prefix length"],
    ["10.0.0.0/-1", "prefix length"],
    ["10.0.0.0/08", "prefix length"],
    ["10.0.0.0/8/8", 'one "/"'],
    ["10.0.0/8", "not a valid IPv4"],
    ["127.1", "not a valid IPv4"],
    ["0x7f000001", "not a valid IPv4"],
    ["010.0.0.1", "not a valid IPv4"],
    ["256.0.0.1", "not a valid IPv4"],
    ["10.0.0.0 /8", "not an IP address"],
    ["fe80::1%eth0", "zone"],
    ["fd00::1::2", "not a valid IPv6"],
    ["::ffff:10.0.0.1", "IPv4 notation"],
    ["fd00::/129", "prefix length"],
    ["a".repeat(300), "not an IP address"],
  ])("rejects %j", (input, message) => {
    expect(refused(input)).toContain(message);
  });

  it("refuses all-address and near-all ranges", () => {
    expect(refused("0.0.0.0/0")).toContain("every address");
    expect(refused("::/0")).toContain("every address");
    expect(refused("0.0.0.0/4")).toContain("too broad");
    expect(refused("128.0.0.0/1")).toContain("too broad");
    expect(refused("::/6")).toContain("too broad");
    expect(ok("10.0.0.0/8")).toBe("10.0.0.0/8");
  });

  it.each([
    ["169.254.169.254", "169.254.169.254"],
    ["169.254.169.254/32", "169.254.169.254"],
    ["169.254.0.0/16", "169.254.169.254"],
    ["169.254.170.0/24", "169.254.170.2"],
    ["100.100.100.200/32", "100.100.100.200"],
    ["100.64.0.0/10", "100.100.100.200"],
    ["fd00:ec2::254", "fd00:ec2::254"],
    ["fd00::/8", "fd00:ec2::"],
    ["fc00::/7", "fd00:ec2::"],
  ])("refuses %s: it contains the metadata address %s", (input, address) => {
    const m = refused(input);
    expect(m).toContain("cloud metadata");
    expect(m).toContain(address);
  });

  it("accepts neighbours of the metadata addresses", () => {
    expect(ok("169.254.1.0/24")).toBe("169.254.1.0/24");
    expect(ok("100.100.100.0/25")).toBe("100.100.100.0/25");
    expect(ok("fd00:ec3::/32")).toBe("fd00:ec3::/32");
  });

  it.each([
    ["::ffff:0:0/96", "IPv4-mapped"],
    ["::ffff:a00:0/104", "IPv4-mapped"],
    ["64:ff9b::/96", "NAT64"],
    ["64:ff9b::a00:1/128", "NAT64"],
    ["64:ff9b:1::/48", "local-use NAT64"],
    ["2002::/16", "6to4"],
    ["2001::/32", "Teredo"],
    ["::/8", "IPv4-compatible"],
    ["::2/128", "IPv4-compatible"],
    ["::/126", "IPv4-compatible"],
  ])("refuses IPv6 ranges that embed IPv4: %s", (input, what) => {
    const m = refused(input);
    expect(m).toContain(what);
    expect(m).toContain("IPv4 range instead");
  });
});

const tenant = { scope: "tenant" } as const;
const okT = (s: string, opts: Parameters<typeof normaliseAllowTarget>[1] = tenant) => {
  const r = normaliseAllowTarget(s, opts);
  if (!r.ok) throw new Error(`expected ${s} to be accepted: ${r.message}`);
  return r;
};
const refusedT = (s: string, opts: Parameters<typeof normaliseAllowTarget>[1] = tenant) => {
  const r = normaliseAllowTarget(s, opts);
  if (r.ok) throw new Error(`expected ${s} to be refused, got ${r.entry}`);
  return r.message;
};

describe("normaliseAllowTarget: CIDR plus port or port range", () => {
  it.each([
    ["10.0.0.0/8:5432", "10.0.0.0/8:5432", { from: 5432, to: 5432 }],
    ["10.0.0.0/8:8000-8100", "10.0.0.0/8:8000-8100", { from: 8000, to: 8100 }],
    ["10.1.2.3:443", "10.1.2.3/32:443", { from: 443, to: 443 }],
    ["10.1.2.0/24:443-443", "10.1.2.0/24:443", { from: 443, to: 443 }],
    ["192.168.0.0/16:1-65535", "192.168.0.0/16:1-65535", { from: 1, to: 65535 }],
    ["[fd12::/48]:443", "[fd12::/48]:443", { from: 443, to: 443 }],
    ["[FD12:0::/48]:22-23", "[fd12::/48]:22-23", { from: 22, to: 23 }],
    ["[fd12::7]:443", "[fd12::7/128]:443", { from: 443, to: 443 }],
  ])("accepts %s as %s", (input, entry, ports) => {
    const r = okT(input);
    expect(r.entry).toBe(entry);
    expect(r.ports).toEqual(ports);
    expect(r.public).toBe(false);
  });

  it("a public range may be bare (every port): it changes nothing", () => {
    expect(okT("8.8.8.0/24")).toMatchObject({ entry: "8.8.8.0/24", ports: null, public: true });
    expect(okT("2a00:1450::/32")).toMatchObject({ entry: "2a00:1450::/32", ports: null, public: true });
    expect(okT("8.8.8.8:53")).toMatchObject({ entry: "8.8.8.8/32:53", public: true });
  });

  it.each([
    ["10.0.0.0/8", "name the port"],
    ["fd12::/48", "name the port"],
    ["[fd12::/48]", "name the port"],
    ["100.64.1.0/24", "name the port"],
    ["8.0.0.0/6", "too broad"],
    ["10.0.0.0/8:0", "port must be"],
    ["10.0.0.0/8:65536", "port must be"],
    ["10.0.0.0/8:080", "port must be"],
    ["10.0.0.0/8:1-2-3", "port must be"],
    ["10.0.0.0/8:", "port must be"],
    ["10.0.0.0/8:http", "port must be"],
    ["10.0.0.0/8:9000-8000", "lower port"],
    ["fd12::/48:443", "brackets"],
    ["[10.0.0.0/8]:443", "brackets are for IPv6"],
    ["[fd12::/48:443", '"[" without "]"'],
    ["[fd12::/48]443", 'after "]:"'],
    ["10.1.2.3/24:443", "host bits"],
    ["169.254.169.254:80", "cloud metadata"],
    ["169.254.0.0/16:80", "cloud metadata"],
  ])("refuses %j", (input, message) => {
    expect(refusedT(input)).toContain(message);
  });

  it("a tenant can never allow loopback or this-host, with or without development mode", () => {
    for (const e of ["127.0.0.1:4100", "127.0.0.0/8:5432", "[::1]:80", "[::]:80", "0.0.0.0/8:5432", "0.0.0.0:80"]) {
      expect(refusedT(e)).toContain("probe worker itself");
      expect(refusedT(e, { scope: "tenant", dev: true })).toContain("probe worker itself");
    }
  });

  it("the deployment may allow loopback only in development mode, and with ports", () => {
    const dep = { scope: "deployment" } as const;
    expect(refusedT("127.0.0.1/32:4100", dep)).toContain("STEWARD_DEV=1");
    expect(okT("127.0.0.1/32:4100", { ...dep, dev: true }).entry).toBe("127.0.0.1/32:4100");
    expect(okT("[::1]:4100", { ...dep, dev: true }).entry).toBe("[::1/128]:4100");
    expect(refusedT("127.0.0.0/8", { ...dep, dev: true })).toContain("name the port");
  });

  it("splitAllowTarget is syntax only", () => {
    expect(splitAllowTarget("fd12::/48")).toEqual({ ok: true, cidrText: "fd12::/48", ports: null, bracketed: false });
    expect(splitAllowTarget("127.0.0.0/8")).toEqual({
      ok: true,
      cidrText: "127.0.0.0/8",
      ports: null,
      bracketed: false,
    });
  });

  it("property: any private /8–/32 IPv4 range with a valid port range round-trips through its canonical form", () => {
    fc.assert(
      fc.property(
        fc.constantFrom("10.0.0.0", "172.16.0.0", "192.168.0.0"),
        fc.integer({ min: 16, max: 32 }),
        fc.integer({ min: 1, max: 65535 }),
        fc.integer({ min: 0, max: 1000 }),
        (base, bits, from, width) => {
          const to = Math.min(65535, from + width);
          const raw = `${base}/${bits}:${from}-${to}`;
          const r = okT(raw);
          expect(r.ports).toEqual({ from, to });
          expect(okT(r.entry).entry).toBe(r.entry);
        },
      ),
    );
  });

  it("property: no tenant entry, with any port, contains a metadata address or a loopback address", () => {
    fc.assert(
      fc.property(fc.ipV4(), fc.integer({ min: 0, max: 32 }), fc.integer({ min: 1, max: 65535 }), (ip, bits, port) => {
        const r = normaliseAllowTarget(`${ip}/${bits}:${port}`, tenant);
        if (!r.ok) return;
        const [a = 0] = r.cidr.split(".").map(Number);
        expect(a).not.toBe(127);
        expect(a).not.toBe(0);
        for (const m of CLOUD_METADATA_ADDRESSES) expect(r.cidr === `${m}/32`).toBe(false);
      }),
    );
  });
});

describe("parseAllowTargets / TenantAllowTarget", () => {
  it("normalises, deduplicates (first wins) and keeps the order", () => {
    expect(parseAllowTargets(["10.1.2.0/24:443", "10.1.2.0/24:443-443", "[FD12::/16]:80"], tenant)).toEqual({
      ok: true,
      entries: ["10.1.2.0/24:443", "[fd12::/16]:80"],
    });
  });

  it("reports every bad entry with its index", () => {
    const r = parseAllowTargets(["10.0.0.0/8:1", "nope", "10.0.0.0/8"], tenant);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.issues.map((i) => i.index)).toEqual([1, 2]);
  });

  it(`allows at most ${CIDR_ALLOWLIST_MAX} distinct entries`, () => {
    const many = Array.from({ length: CIDR_ALLOWLIST_MAX + 1 }, (_, i) => `10.0.${i}.0/24:443`);
    expect(parseAllowTargets(many, tenant).ok).toBe(false);
  });

  it("the zod schema outputs the canonical entry", () => {
    expect(TenantAllowTarget.parse(" 10.0.0.0/8:5432 ")).toBe("10.0.0.0/8:5432");
    expect(TenantAllowTarget.safeParse("127.0.0.1:80").success).toBe(false);
    expect(TenantAllowTarget.safeParse(1).success).toBe(false);
  });
});

describe("parseDeploymentAllowTargets (fail closed)", () => {
  it("no environment allows nothing", () => {
    expect(parseDeploymentAllowTargets({})).toEqual({ ok: true, entries: [], dev: false });
    expect(parseDeploymentAllowTargets({ NODE_ENV: "development" })).toEqual({ ok: true, entries: [], dev: false });
  });

  it("loopback needs STEWARD_DEV=1; the old variable is refused with a message", () => {
    const demo = { PROBE_ALLOWED_TARGETS: "127.0.0.1/32:4100,[::1/128]:4100" };
    const refused = parseDeploymentAllowTargets(demo);
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.message).toContain("STEWARD_DEV=1");
    expect(parseDeploymentAllowTargets({ ...demo, STEWARD_DEV: "1" })).toEqual({
      ok: true,
      entries: ["127.0.0.1/32:4100", "[::1/128]:4100"],
      dev: true,
    });
    const old = parseDeploymentAllowTargets({ PROBE_ALLOWED_CIDRS: "127.0.0.0/8,::1/128", STEWARD_DEV: "1" });
    expect(old.ok).toBe(false);
    if (!old.ok) expect(old.message).toContain("PROBE_ALLOWED_TARGETS");
  });

  it("development mode is refused under NODE_ENV=production", () => {
    const prod = parseDeploymentAllowTargets({
      PROBE_ALLOWED_TARGETS: "127.0.0.1/32:4100",
      STEWARD_DEV: "1",
      NODE_ENV: "production",
    });
    expect(prod.ok).toBe(false);
    if (!prod.ok) expect(prod.message).toMatch(/STEWARD_DEV .*NODE_ENV=production/);
  });
});

describe("effectiveAllowTargets", () => {
  it("is the deployment list ∪ the tenant's valid entries, without duplicates", () => {
    expect(
      effectiveAllowTargets(["127.0.0.1/32:4100", " "], ["10.1.2.0/24:443", "10.1.2.0/24:443", "10.9.0.0/16:22"]),
    ).toEqual(["127.0.0.1/32:4100", "10.1.2.0/24:443", "10.9.0.0/16:22"]);
  });

  it("drops stored entries the tenant rules refuse (a row edited behind the app's back)", () => {
    expect(
      effectiveAllowTargets(
        [],
        ["0.0.0.0/0", "169.254.169.254/32:80", "garbage", "127.0.0.0/8:5432", "192.168.1.0/24", "192.168.1.0/24:80"],
      ),
    ).toEqual(["192.168.1.0/24:80"]);
  });
});
