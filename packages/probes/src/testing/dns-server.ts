import dgram from "node:dgram";
import type { AddressInfo } from "node:net";
import dnsPacket, { type Answer, type MxData, type Packet, type RecordType } from "dns-packet";

/** Record types the test server answers (the DNS probe's types plus SOA-less basics). */
export type TestRecordType = "A" | "AAAA" | "CNAME" | "MX" | "TXT" | "NS" | "PTR";

/**
 * One answer: a string (A/AAAA address, CNAME/NS/PTR target, TXT text, MX as "10 mail.example.com"),
 * an MX object, a TXT chunk list, or any of these with its own TTL.
 */
export type TestAnswer = string | MxData | string[] | { data: string | MxData | string[]; ttl?: number };

export interface TestDnsServer {
  readonly host: string;
  readonly port: number;
  /** Replace the answers for (name, type). `ttl` is the default for answers without their own. */
  set(name: string, type: TestRecordType, answers: readonly TestAnswer[], ttl?: number): void;
  /** Remove (name, type), or every type of `name`, so it answers NXDOMAIN. */
  remove(name: string, type?: TestRecordType): void;
  /** Never answer queries for `name` (the client times out). */
  blackhole(name: string): void;
  /** Every question received, in order (for rebinding / caching assertions). */
  readonly queries: readonly { name: string; type: string; at: number }[];
  close(): Promise<void>;
}

interface StoredAnswer {
  data: string | MxData | string[];
  ttl: number;
}

const norm = (name: string) => name.toLowerCase().replace(/\.$/, "");

/**
 * A real authoritative-style DNS server over UDP on loopback (dns-packet), for probe and SSRF tests.
 * Unknown names → NXDOMAIN; known name without that type → NOERROR with no answers; a CNAME is returned
 * (and followed within the server's own data) when the asked type is missing. Every answer carries its
 * own TTL exactly as set.
 */
export async function startDnsServer(options: { host?: string; port?: number } = {}): Promise<TestDnsServer> {
  const host = options.host ?? "127.0.0.1";
  const records = new Map<string, Map<string, StoredAnswer[]>>();
  const holes = new Set<string>();
  const queries: { name: string; type: string; at: number }[] = [];
  const socket = dgram.createSocket(host.includes(":") ? "udp6" : "udp4");

  const toAnswer = (name: string, type: string, a: StoredAnswer): Answer => {
    if (type === "MX") {
      const mx =
        typeof a.data === "string"
          ? (() => {
              const [pref, exch] = a.data.trim().split(/\s+/);
              return { preference: Number(pref), exchange: exch ?? "" };
            })()
          : (a.data as MxData);
      return { name, type: "MX", class: "IN", ttl: a.ttl, data: mx };
    }
    if (type === "TXT") {
      return { name, type: "TXT", class: "IN", ttl: a.ttl, data: a.data as string | string[] };
    }
    return { name, type: type as "A", class: "IN", ttl: a.ttl, data: a.data as string };
  };

  const answersFor = (qname: string, qtype: string, depth = 0): Answer[] => {
    const byType = records.get(norm(qname));
    if (!byType || depth > 8) return [];
    const direct = byType.get(qtype);
    if (direct) return direct.map((a) => toAnswer(qname, qtype, a));
    const cname = byType.get("CNAME")?.[0];
    if (cname && qtype !== "CNAME") {
      const target = String(cname.data);
      return [toAnswer(qname, "CNAME", cname), ...answersFor(target, qtype, depth + 1)];
    }
    return [];
  };

  socket.on("message", (msg, rinfo) => {
    let query: Packet;
    try {
      query = dnsPacket.decode(msg);
    } catch {
      return;
    }
    const q = query.questions?.[0];
    if (!q) return;
    queries.push({ name: norm(q.name), type: q.type, at: Date.now() });
    if (holes.has(norm(q.name))) return;
    const known = records.has(norm(q.name));
    const answers = known ? answersFor(q.name, q.type) : [];
    const reply = dnsPacket.encode({
      id: query.id,
      type: "response",
      // dns-packet encodes the rcode only from the low 4 bits of flags (3 = NXDOMAIN).
      flags:
        dnsPacket.AUTHORITATIVE_ANSWER | dnsPacket.RECURSION_DESIRED | dnsPacket.RECURSION_AVAILABLE | (known ? 0 : 3),
      questions: [q],
      answers,
    } as Packet);
    socket.send(reply, rinfo.port, rinfo.address);
  });

  await new Promise<void>((resolve, reject) => {
    socket.once("error", reject);
    socket.bind(options.port ?? 0, host, () => {
      socket.off("error", reject);
      resolve();
    });
  });
  socket.on("error", () => {}); // a late ICMP error from a vanished client is not a test failure
  const { port } = socket.address() as AddressInfo;

  return {
    host,
    port,
    queries,
    set(name, type, answers, ttl = 60) {
      const key = norm(name);
      holes.delete(key);
      let byType = records.get(key);
      if (!byType) {
        byType = new Map();
        records.set(key, byType);
      }
      byType.set(
        type as RecordType,
        answers.map((a) =>
          typeof a === "object" && a !== null && !Array.isArray(a) && "data" in a
            ? { data: a.data, ttl: a.ttl ?? ttl }
            : { data: a as string | MxData | string[], ttl },
        ),
      );
    },
    remove(name, type) {
      const key = norm(name);
      if (!type) records.delete(key);
      else records.get(key)?.delete(type);
    },
    blackhole(name) {
      holes.add(norm(name));
    },
    close() {
      return new Promise<void>((resolve) => socket.close(() => resolve()));
    },
  };
}
