import { describe, expect, it } from "vitest";
import {
  CIDR_ALLOWLIST_MAX,
  CidrAllowlist,
  effectiveAllowCidrs,
  normaliseCidr,
  parseCidrAllowlist,
} from "./cidr-allowlist.ts";

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

describe("parseCidrAllowlist / CidrAllowlist", () => {
  it("normalises, deduplicates (first wins) and keeps the order", () => {
    expect(parseCidrAllowlist(["10.1.2.0/24", "127.0.0.1", "10.1.2.0/24", "127.0.0.1/32", "FD12::/16"])).toEqual({
      ok: true,
      cidrs: ["10.1.2.0/24", "127.0.0.1/32", "fd12::/16"],
    });
    expect(parseCidrAllowlist([])).toEqual({ ok: true, cidrs: [] });
  });

  it("reports every bad entry with its index", () => {
    const r = parseCidrAllowlist(["10.0.0.0/8", "nope", "0.0.0.0/0"]);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.issues.map((i) => i.index)).toEqual([1, 2]);
  });

  it(`allows at most ${CIDR_ALLOWLIST_MAX} distinct ranges (duplicates do not count)`, () => {
    const many = Array.from({ length: CIDR_ALLOWLIST_MAX }, (_, i) => `10.0.${i}.0/24`);
    expect(parseCidrAllowlist([...many, ...many]).ok).toBe(true);
    const r = parseCidrAllowlist([...many, "10.1.0.0/24"]);
    expect(r).toEqual({ ok: false, issues: [{ index: -1, message: `At most ${CIDR_ALLOWLIST_MAX} ranges (got 65)` }] });
  });

  it("the zod schema outputs the normalised list and puts each issue on its entry", () => {
    expect(CidrAllowlist.parse(["127.0.0.1", " 10.0.0.0/8"])).toEqual(["127.0.0.1/32", "10.0.0.0/8"]);
    const bad = CidrAllowlist.safeParse(["10.0.0.0/8", "169.254.169.254"]);
    expect(bad.success).toBe(false);
    expect(bad.error?.issues).toEqual([
      expect.objectContaining({ path: [1], message: expect.stringContaining("cloud metadata") }),
    ]);
    expect(CidrAllowlist.safeParse("10.0.0.0/8").success).toBe(false);
    expect(CidrAllowlist.safeParse([1]).success).toBe(false);
  });
});

describe("effectiveAllowCidrs", () => {
  it("is the deployment list ∪ the tenant's valid entries, without duplicates", () => {
    expect(effectiveAllowCidrs(["127.0.0.0/8", " "], ["10.1.2.0/24", "127.0.0.0/8", "10.1.2.0/24"])).toEqual([
      "127.0.0.0/8",
      "10.1.2.0/24",
    ]);
  });

  it("drops stored entries the validator refuses (a row edited behind the app's back)", () => {
    expect(effectiveAllowCidrs([], ["0.0.0.0/0", "169.254.169.254/32", "garbage", "192.168.1.0/24"])).toEqual([
      "192.168.1.0/24",
    ]);
  });
});
