import dgram from "node:dgram";
import dnsPacket, { type Packet } from "dns-packet";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startDnsServer, type TestDnsServer } from "./dns-server.ts";

let dns: TestDnsServer;
beforeAll(async () => {
  dns = await startDnsServer();
});
afterAll(() => dns.close());

type Decoded = Omit<Packet, "answers"> & { rcode?: string; answers?: { type: string; data?: unknown; ttl?: number }[] };

async function ask(name: string, type: "A" | "MX" | "TXT"): Promise<Decoded> {
  const sock = dgram.createSocket("udp4");
  try {
    const reply = new Promise<Buffer>((r) => sock.once("message", r));
    sock.send(dnsPacket.encode({ id: 7, type: "query", questions: [{ name, type }] } as Packet), dns.port, "127.0.0.1");
    return dnsPacket.decode(await reply) as Decoded;
  } finally {
    sock.close();
  }
}

describe("test DNS server", () => {
  it("answers with per-answer TTLs, follows CNAMEs and says NXDOMAIN for unknown names", async () => {
    dns.set("a.test", "A", [{ data: "192.0.2.1", ttl: 0 }, "192.0.2.2"], 300);
    dns.set("alias.test", "CNAME", ["a.test"]);
    dns.set("m.test", "MX", ["10 mx1.test", { preference: 20, exchange: "mx2.test" }]);
    dns.set("t.test", "TXT", ["v=spf1 -all"]);

    const a = await ask("a.test", "A");
    expect(a.answers?.map((x) => [x.data, x.ttl])).toEqual([
      ["192.0.2.1", 0],
      ["192.0.2.2", 300],
    ]);
    const alias = await ask("alias.test", "A");
    expect(alias.answers?.map((x) => x.type)).toEqual(["CNAME", "A", "A"]);
    const mx = await ask("m.test", "MX");
    expect(mx.answers?.map((x) => x.data)).toEqual([
      { preference: 10, exchange: "mx1.test" },
      { preference: 20, exchange: "mx2.test" },
    ]);
    const txt = await ask("t.test", "TXT");
    expect(((txt.answers?.[0]?.data ?? []) as Buffer[]).map(String)).toEqual(["v=spf1 -all"]);
    expect((await ask("nope.test", "A")).rcode).toBe("NXDOMAIN");
    expect(dns.queries.some((q) => q.name === "alias.test" && q.type === "A")).toBe(true);
  });
});
