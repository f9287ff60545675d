import { promises as dnsPromises } from "node:dns";
import { isIP } from "node:net";
import ipaddr from "ipaddr.js";
import { z } from "zod";
import { resolvePinnedWithin, runProbe, TargetError } from "../common/probe-run.ts";
import { HostSchema, PortSchema } from "../common/schema.ts";
import type { Probe } from "../probe.ts";

export const DNS_RECORD_TYPES = ["A", "AAAA", "CNAME", "MX", "TXT", "NS"] as const;
export type DnsRecordType = (typeof DNS_RECORD_TYPES)[number];

export const DnsProbeConfig = z.object({
  /** The name to look up. */
  name: HostSchema.refine((h) => isIP(h) === 0, { message: "Name must be a DNS name, not an IP address" }),
  recordType: z.enum(DNS_RECORD_TYPES, { message: `Record type must be one of ${DNS_RECORD_TYPES.join(", ")}` }),
  /** The resolver to ask; absent = the worker's system resolvers. A user-given resolver is SSRF-checked. */
  resolver: z.object({ host: HostSchema, port: PortSchema.default(53) }).optional(),
  /**
   * Answers that must be present. A/AAAA: addresses; CNAME/NS: names; MX: "mail.example.com" or
   * "10 mail.example.com"; TXT: the full text. Absent = any non-empty answer is up.
   */
  expected: z
    .array(z.string().trim().min(1, "Expected answers cannot be empty").max(512, "Expected answer is too long"))
    .max(20, "At most 20 expected answers")
    .optional(),
  /** any: at least one expected answer is present; all: every expected answer is present. */
  match: z.enum(["any", "all"]).default("any"),
});
export type DnsProbeConfig = z.infer<typeof DnsProbeConfig>;

const normName = (s: string) => s.trim().toLowerCase().replace(/\.$/, "");
const normAddr = (s: string) => (ipaddr.isValid(s.trim()) ? ipaddr.parse(s.trim()).toString() : s.trim().toLowerCase());

/** One lookup through a dedicated resolver; answers normalised to comparable strings. */
async function lookup(resolver: dnsPromises.Resolver, name: string, type: DnsRecordType): Promise<string[]> {
  switch (type) {
    case "A":
      return (await resolver.resolve4(name)).map(normAddr);
    case "AAAA":
      return (await resolver.resolve6(name)).map(normAddr);
    case "CNAME":
      return (await resolver.resolveCname(name)).map(normName);
    case "NS":
      return (await resolver.resolveNs(name)).map(normName);
    case "MX":
      return (await resolver.resolveMx(name)).map((m) => `${m.priority} ${normName(m.exchange)}`);
    case "TXT":
      return (await resolver.resolveTxt(name)).map((chunks) => chunks.join(""));
  }
}

function matches(type: DnsRecordType, answer: string, expected: string): boolean {
  switch (type) {
    case "A":
    case "AAAA":
      return answer === normAddr(expected);
    case "CNAME":
    case "NS":
      return answer === normName(expected);
    case "MX": {
      const e = expected.trim().toLowerCase().split(/\s+/);
      return e.length === 2
        ? answer === `${Number(e[0])} ${normName(e[1] ?? "")}`
        : answer.split(" ")[1] === normName(e[0] ?? "");
    }
    case "TXT":
      return answer === expected;
  }
}

function describeDnsError(err: unknown, config: DnsProbeConfig): string {
  const code = (err as { code?: string })?.code;
  switch (code) {
    case dnsPromises.NOTFOUND:
      return `${config.name} does not exist (NXDOMAIN)`;
    case dnsPromises.NODATA:
      return `no ${config.recordType} records for ${config.name}`;
    case dnsPromises.TIMEOUT:
      return "DNS query timed out";
    case dnsPromises.CONNREFUSED:
      return "resolver refused the query";
    case dnsPromises.SERVFAIL:
      return "resolver returned SERVFAIL";
    case dnsPromises.REFUSED:
      return "resolver returned REFUSED";
    default:
      return `DNS error (${typeof code === "string" && /^[A-Z][A-Z0-9_]{1,39}$/.test(code) ? code : "unknown"})`;
  }
}

/**
 * DNS: asks the chosen resolver (pinned, SSRF-checked address) for one record type; ok when the answer is
 * non-empty and satisfies `expected` (any-of / all-of). NXDOMAIN, no data, timeouts and mismatches fail.
 */
export const dnsProbe: Probe<"DNS", typeof DnsProbeConfig> = {
  kind: "DNS",
  configSchema: DnsProbeConfig,
  run(config, ctx) {
    return runProbe(ctx, async (run) => {
      const resolver = new dnsPromises.Resolver({ timeout: Math.max(100, ctx.timeoutMs), tries: 1 });
      run.defer(() => resolver.cancel());
      if (config.resolver) {
        const { address, family } = await resolvePinnedWithin(
          config.resolver.host,
          ctx.ssrf,
          run,
          config.resolver.port,
        );
        resolver.setServers([
          family === 6 ? `[${address}]:${config.resolver.port}` : `${address}:${config.resolver.port}`,
        ]);
      }
      let answers: string[];
      try {
        answers = await run.race(lookup(resolver, config.name, config.recordType));
      } catch (err) {
        if (run.signal.aborted) throw err;
        throw new TargetError(describeDnsError(err, config));
      }
      if (answers.length === 0) return { ok: false, error: `no ${config.recordType} records for ${config.name}` };
      const expected = config.expected ?? [];
      if (expected.length === 0) return { ok: true };
      const found = expected.map((e) => answers.some((a) => matches(config.recordType, a, e)));
      const ok = config.match === "all" ? found.every(Boolean) : found.some(Boolean);
      if (ok) return { ok: true };
      const missing = expected.filter((_, i) => !found[i]);
      // The answers themselves are not copied (a resolver the tenant named may be an internal one): the
      // expected values come from the config, the count is all the server contributes.
      const got = `${answers.length} other answer${answers.length === 1 ? "" : "s"}`;
      return {
        ok: false,
        error: `expected ${config.match === "all" ? "all of" : "one of"} ${missing.join(", ")}; got ${got}`.slice(
          0,
          300,
        ),
      };
    });
  },
};
