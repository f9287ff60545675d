import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  createSsrfGuard,
  LOOPBACK_CIDRS,
  normaliseHost,
  pinnedLookup,
  resolvePinned,
  type SsrfResolver,
  ssrfFailureMessage,
} from "./ssrf.ts";

describe("ssrf guard: addresses", () => {
  const strict = createSsrfGuard();
  const demo = createSsrfGuard({ allowCidrs: LOOPBACK_CIDRS });

  it.each([
    // loopback, every spelling
    "127.0.0.1",
    "127.1",
    "127.0.1",
    "127.255.255.254",
    "2130706433",
    "0x7f000001",
    "0x7f.1",
    "0177.0.0.1",
    "0177.0.0.01",
    "017700000001",
    "127.0.0.1.",
    "0",
    "0.0.0.0",
    "0x0",
    "0.1.2.3",
    // private, CGNAT, link-local, metadata
    "10.1.2.3",
    "012.1.2.3",
    "172.16.0.1",
    "172.31.255.255",
    "192.168.1.1",
    "0xc0a80101",
    "100.64.0.1",
    "100.127.255.254",
    "100.100.100.200",
    "169.254.169.254",
    "2852039166",
    "0251.0376.0251.0376",
    "169.254.170.2",
    // reserved, documentation, benchmarking, multicast, broadcast
    "192.0.0.1",
    "192.0.2.1",
    "192.88.99.1",
    "198.18.0.1",
    "198.19.255.255",
    "198.51.100.1",
    "203.0.113.1",
    "224.0.0.1",
    "239.255.255.250",
    "240.0.0.1",
    "255.255.255.255",
    // IPv6
    "::1",
    "[::1]",
    "0:0:0:0:0:0:0:1",
    "::",
    "fe80::1",
    "fe80::1%eth0",
    "fec0::1",
    "fc00::1",
    "fd00:ec2::254",
    "ff02::1",
    "100::1",
    "::ffff:127.0.0.1",
    "::ffff:7f00:1",
    "::FFFF:7F00:0001",
    "::ffff:169.254.169.254",
    "::ffff:10.0.0.1",
    "::127.0.0.1",
    "::8.8.8.8",
    "::7f00:1",
    "::ffff:0:7f00:1",
    "64:ff9b::127.0.0.1",
    "64:ff9b::a9fe:a9fe",
    "64:ff9b:1::7f00:1",
    "64:ff9b:1::808:808",
    "2002:7f00:0001::1",
    "2002:808:808::1",
    "2001:0:4136:e378:8000:63bf:80ff:fffe",
    "2001:db8::1",
    "3fff::1",
    "2001:2::1",
  ])("blocks %s by default", (ip) => {
    expect(strict.check(ip)).not.toBeNull();
  });

  it.each(["93.184.216.34", "1.1.1.1", "8.8.8.8", "2606:4700:4700::1111", "64:ff9b::808:808", "::ffff:8.8.8.8"])(
    "allows public %s",
    (ip) => {
      expect(strict.check(ip)).toBeNull();
    },
  );

  it("names what it blocks", () => {
    expect(strict.check("0x7f.1")).toMatch(/loopback/);
    expect(strict.check("::ffff:7f00:1")).toMatch(/loopback.*IPv4-mapped/);
    expect(strict.check("64:ff9b::a9fe:a9fe")).toMatch(/metadata/);
    expect(strict.check("100.64.1.1")).toMatch(/carrier-grade NAT/);
    expect(strict.check("not-an-ip")).toBe("not an IP address");
  });

  it("an allowlist opens exactly its ranges", () => {
    expect(demo.check("127.0.0.1")).toBeNull();
    expect(demo.check("127.1")).toBeNull();
    expect(demo.check("::1")).toBeNull();
    expect(demo.check("::ffff:127.0.0.1")).toBeNull();
    expect(demo.check("0.0.0.0")).not.toBeNull();
    expect(demo.check("::")).not.toBeNull();
    expect(demo.check("10.0.0.1")).not.toBeNull();
    expect(demo.check("169.254.169.254")).not.toBeNull();
    const one = createSsrfGuard({ allowCidrs: ["127.0.0.2/32"] });
    expect(one.check("127.0.0.2")).toBeNull();
    expect(one.check("127.0.0.1")).not.toBeNull();
  });

  it("metadata endpoints stay closed even when allowlisted", () => {
    const wide = createSsrfGuard({ allowCidrs: ["169.254.0.0/16", "100.64.0.0/10", "fd00::/8"] });
    expect(wide.check("169.254.1.1")).toBeNull();
    expect(wide.check("169.254.169.254")).toMatch(/metadata/);
    expect(wide.check("::ffff:169.254.169.254")).toMatch(/metadata/);
    expect(wide.check("100.100.100.200")).toMatch(/metadata/);
    expect(wide.check("fd00:ec2::254")).toMatch(/metadata/);
  });
});

describe("ssrf guard: host names and resolution", () => {
  it("normalises hosts as sockets and URLs spell them", () => {
    expect(normaliseHost("0x7f.1")).toMatchObject({ kind: "ip", address: "127.0.0.1", family: 4 });
    expect(normaliseHost("[::ffff:7f00:1]")).toMatchObject({ kind: "ip", address: "::ffff:7f00:1", family: 6 });
    expect(normaliseHost("ＭETADATA.Google.Internal.")).toEqual({ kind: "name", name: "metadata.google.internal" });
    expect(normaliseHost("１２７.０.０.１")).toMatchObject({ kind: "ip", address: "127.0.0.1" });
    expect(normaliseHost("cafe.example")).toEqual({ kind: "name", name: "cafe.example" });
    // inet_pton reads a dotted tail as two hex groups: ::1.2.3.4 is ::102:304 (IPv4-compatible), not mapped.
    expect(normaliseHost("::1.2.3.4")).toMatchObject({ kind: "ip", address: "::102:304" });
    expect(normaliseHost("::ffff:1.2.3.4")).toMatchObject({ kind: "ip", address: "::ffff:102:304" });
    expect(normaliseHost("::01.2.3.4").kind).toBe("invalid");
    expect(normaliseHost("127.0.0.1 x").kind).toBe("invalid");
    expect(normaliseHost("").kind).toBe("invalid");
  });

  const table: Record<string, string[]> = {
    "public.test": ["93.184.216.34"],
    "private.test": ["10.0.0.5"],
    "mixed.test": ["93.184.216.34", "127.0.0.1"],
    "mapped.test": ["::ffff:127.0.0.1"],
    "metadata.google.internal": ["93.184.216.34"],
  };
  const resolver: SsrfResolver = async (name) => {
    const answers = table[name];
    if (!answers) throw Object.assign(new Error(`ENOTFOUND ${name}`), { code: "ENOTFOUND" });
    return answers.map((address) => ({ address, family: address.includes(":") ? 6 : 4 }));
  };
  const guard = createSsrfGuard({ resolver });

  it("resolvePinned returns the checked address, or throws SsrfBlockedError", async () => {
    expect(await resolvePinned("public.test", guard)).toEqual({ address: "93.184.216.34", family: 4 });
    expect(await resolvePinned("PUBLIC.test.", guard)).toEqual({ address: "93.184.216.34", family: 4 });
    expect(await resolvePinned("8.8.8.8", guard)).toEqual({ address: "8.8.8.8", family: 4 });
    for (const host of [
      "private.test",
      "mixed.test",
      "mapped.test",
      "metadata.google.internal",
      "localhost",
      "127.1",
    ]) {
      await expect(resolvePinned(host, guard)).rejects.toMatchObject({ code: "ESSRFBLOCKED" });
    }
    await expect(resolvePinned("missing.test", guard)).rejects.toMatchObject({ code: "ENOTFOUND" });
    // The message names the range, never the internal address a name resolved to (no DNS enumeration).
    const err = await resolvePinned("private.test", guard).catch((e: Error) => e);
    expect(err).toMatchObject({ address: "private.test", resolved: "10.0.0.5" });
    expect((err as Error).message).toBe(
      "private.test is not allowed (resolves to a refused address: private (10.0.0.0/8))",
    );
  });

  it("the lookup refuses names and spellings resolving to blocked addresses", async () => {
    const strict = createSsrfGuard();
    for (const host of ["localhost", "0177.0.0.1", "2130706433"]) {
      const err = await new Promise<NodeJS.ErrnoException | null>((resolve) =>
        strict.lookup(host, { all: true }, (e) => resolve(e)),
      );
      expect(err?.code).toBe("ESSRFBLOCKED");
      expect(ssrfFailureMessage(err)).toMatch(/^blocked by SSRF policy: /);
    }
    const demo = createSsrfGuard({ allowCidrs: LOOPBACK_CIDRS });
    const ok = await new Promise<string | undefined>((resolve, reject) =>
      demo.lookup("localhost", {}, (e, address) => (e ? reject(e) : resolve(address as string))),
    );
    expect(["127.0.0.1", "::1"]).toContain(ok);
  });

  it("pinnedLookup answers every name with the pinned address", async () => {
    const lookup = pinnedLookup({ address: "93.184.216.34", family: 4 });
    const one = await new Promise((r) => lookup("anything", {}, (_e, a, f) => r([a, f])));
    expect(one).toEqual(["93.184.216.34", 4]);
    const all = await new Promise((r) => lookup("anything", { all: true }, (_e, a) => r(a)));
    expect(all).toEqual([{ address: "93.184.216.34", family: 4 }]);
  });
});

describe("ssrf guard: properties", () => {
  const strict = createSsrfGuard();
  const ipv4 = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255));
  const dotted = ([a, b, c, d]: number[]) => `${a}.${b}.${c}.${d}`;

  it("every inet_aton spelling of an IPv4 address is judged exactly like the address", () => {
    fc.assert(
      fc.property(ipv4, ([a, b, c, d]) => {
        const n = ((a << 24) >>> 0) + (b << 16) + (c << 8) + d;
        const canonical = `${a}.${b}.${c}.${d}`;
        const spellings = [
          String(n),
          `0x${n.toString(16)}`,
          `0${n.toString(8)}`,
          `${a}.${(b << 16) + (c << 8) + d}`,
          `${a}.${b}.${(c << 8) + d}`,
          `0${a.toString(8)}.0x${b.toString(16)}.${c}.0${d.toString(8)}`,
          `0x${a.toString(16).toUpperCase()}.${b}.${c}.${d}.`,
        ];
        for (const s of spellings) {
          expect(normaliseHost(s)).toMatchObject({ kind: "ip", address: canonical });
          expect(strict.check(s)).toBe(strict.check(canonical));
        }
      }),
    );
  });

  it("IPv4-mapped and NAT64 forms are allowed exactly when the embedded address is", () => {
    fc.assert(
      fc.property(ipv4, (parts) => {
        const v4 = dotted(parts);
        const blocked = strict.check(v4) !== null;
        const hex = (i: number) => (((parts[i] as number) << 8) + (parts[i + 1] as number)).toString(16);
        for (const v6 of [
          `::ffff:${v4}`,
          `::ffff:${hex(0)}:${hex(2)}`,
          `64:ff9b::${v4}`,
          `64:ff9b::${hex(0)}:${hex(2)}`,
        ]) {
          expect(strict.check(v6) !== null, v6).toBe(blocked);
        }
        // Every other embedding is refused whatever it carries.
        for (const v6 of [`::${v4}`, `::ffff:0:${v4}`, `64:ff9b:1::${v4}`, `2002:${hex(0)}:${hex(2)}::1`]) {
          expect(strict.check(v6), v6).not.toBeNull();
        }
      }),
    );
  });
});
