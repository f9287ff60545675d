import { describe, expect, it } from "vitest";
import { createSsrfGuard, LOOPBACK_CIDRS } from "./ssrf.ts";

describe("ssrf guard", () => {
  const strict = createSsrfGuard();
  const demo = createSsrfGuard({ allowCidrs: LOOPBACK_CIDRS });

  it.each([
    "127.0.0.1",
    "10.1.2.3",
    "172.16.0.1",
    "192.168.1.1",
    "169.254.169.254",
    "100.64.0.1",
    "0.0.0.0",
    "::1",
    "::",
    "fe80::1",
    "fc00::1",
    "::ffff:127.0.0.1",
    "::ffff:169.254.169.254",
    "64:ff9b::a9fe:a9fe",
    "2002:7f00:0001::1",
    "224.0.0.1",
    "255.255.255.255",
  ])("blocks %s by default", (ip) => {
    expect(strict.check(ip)).not.toBeNull();
  });

  it.each(["93.184.216.34", "1.1.1.1", "2606:4700:4700::1111"])("allows public %s", (ip) => {
    expect(strict.check(ip)).toBeNull();
  });

  it("an allowlist opens exactly its ranges", () => {
    expect(demo.check("127.0.0.1")).toBeNull();
    expect(demo.check("::1")).toBeNull();
    expect(demo.check("::ffff:127.0.0.1")).toBeNull();
    expect(demo.check("10.0.0.1")).not.toBeNull();
    expect(demo.check("169.254.169.254")).not.toBeNull();
  });

  it("the lookup refuses names resolving to blocked addresses", async () => {
    const err = await new Promise<NodeJS.ErrnoException | null>((resolve) =>
      strict.lookup("localhost", { all: true }, (e) => resolve(e)),
    );
    expect(err?.code).toBe("ESSRFBLOCKED");
    const ok = await new Promise<string | undefined>((resolve, reject) =>
      demo.lookup("localhost", {}, (e, address) => (e ? reject(e) : resolve(address as string))),
    );
    expect(["127.0.0.1", "::1"]).toContain(ok);
  });
});
