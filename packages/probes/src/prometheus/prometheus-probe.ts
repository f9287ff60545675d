import { z } from "zod";
import { runProbe } from "../common/probe-run.ts";
import { urlHasCredentials } from "../common/schema.ts";
import { guardedRequest } from "../http/guarded-request.ts";
import type { Probe } from "../probe.ts";
import { COMPARISON_OPS, compare, parseExposition, type Sample } from "./exposition.ts";

const OP_SYMBOL = { lt: "<", le: "<=", gt: ">", ge: ">=", eq: "==", ne: "!=" } as const;

export const PrometheusProbeConfig = z.object({
  /** The exposition endpoint, e.g. http://host:9100/metrics. */
  url: z
    .url({ protocol: /^https?$/, message: "URL must be http(s)" })
    .max(2048, "URL is too long")
    .refine((u) => !urlHasCredentials(u), {
      message:
        "Credentials in the URL (user:password@host) are not accepted: everyone who can see the monitor sees its URL. Expose the metrics endpoint without them (e.g. allowlist the probe's address).",
    }),
  metric: z
    .string()
    .trim()
    .regex(/^[a-zA-Z_:][a-zA-Z0-9_:]*$/, "Metric must be a Prometheus metric name")
    .max(200, "Metric name is too long"),
  /** Equality matchers; every one must match the series' label. */
  labels: z
    .record(z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, "Label names are [a-zA-Z_][a-zA-Z0-9_]*"), z.string().max(512))
    .refine((r) => Object.keys(r).length <= 20, { message: "At most 20 label matchers" })
    .default({}),
  op: z.enum(COMPARISON_OPS, { message: `Operator must be one of ${COMPARISON_OPS.join(", ")}` }),
  threshold: z.number({ message: "Threshold must be a number" }).refine(Number.isFinite, "Threshold must be finite"),
  /** When several series match: all of them must satisfy the comparison, or any one of them. */
  match: z.enum(["all", "any"]).default("all"),
  maxBytes: z
    .number()
    .int()
    .min(1024)
    .max(32 * 1024 * 1024, "At most 32 MiB")
    .default(8 * 1024 * 1024),
});
export type PrometheusProbeConfig = z.infer<typeof PrometheusProbeConfig>;

const fmtSeries = (s: Pick<Sample, "name" | "labels">) => {
  const l = Object.entries(s.labels)
    .map(([k, v]) => `${k}="${v}"`)
    .join(",");
  return l ? `${s.name}{${l}}` : s.name;
};

/**
 * Prometheus metric: scrape a text exposition endpoint (SSRF-guarded connection, bounded body), select
 * the series with this name whose labels match, compare the value with the threshold. No matching series,
 * a non-2xx scrape, or a failed comparison → fail. NaN never passes.
 */
export const prometheusProbe: Probe<"PROMETHEUS", typeof PrometheusProbeConfig> = {
  kind: "PROMETHEUS",
  configSchema: PrometheusProbeConfig,
  run(config, ctx) {
    return runProbe(ctx, async (run) => {
      // The same SSRF-pinned HTTP/1.1 exchange as the HTTP probe (ADR 0009): one connection to the checked
      // address, no redirects (a 3xx is a failed scrape), at most maxBytes + 1 body bytes read.
      const res = await guardedRequest({
        url: config.url,
        method: "GET",
        headers: {
          "user-agent": "Steward-Probe/1.0",
          // The classic text format; no compression so maxBytes bounds what we hold in memory.
          accept: "text/plain;version=0.0.4;q=1,*/*;q=0.1",
          "accept-encoding": "identity",
        },
        maxRedirects: 0,
        maxBodyBytes: config.maxBytes + 1,
        collectBody: true,
        guard: ctx.ssrf,
        signal: run.signal,
        timeoutMs: ctx.timeoutMs,
        maxHeaderBytes: 16 * 1024,
      });
      if (res.bodyBytes > config.maxBytes) {
        return { ok: false, statusCode: res.statusCode, error: `exposition larger than ${config.maxBytes} bytes` };
      }
      if (res.statusCode < 200 || res.statusCode >= 300) {
        return { ok: false, statusCode: res.statusCode, error: `scrape returned status ${res.statusCode}` };
      }
      const { samples } = parseExposition(res.body.toString("utf8"));
      const wanted = Object.entries(config.labels);
      const series = samples.filter((s) => s.name === config.metric && wanted.every(([k, v]) => s.labels[k] === v));
      const selector = fmtSeries({ name: config.metric, labels: config.labels });
      if (series.length === 0) return { ok: false, statusCode: res.statusCode, error: `no series ${selector}` };
      const passed = series.map((s) => compare(s.value, config.op, config.threshold));
      const ok = config.match === "all" ? passed.every(Boolean) : passed.some(Boolean);
      if (ok) return { ok: true, statusCode: res.statusCode };
      const offender = series[passed.indexOf(false)] ?? series[0];
      return {
        ok: false,
        statusCode: res.statusCode,
        error:
          // The selector (config) and the value (a number, what this kind reports), never the labels the
          // server attached to the series: those are the server's strings (docs/security/probes.md).
          `${selector} = ${offender?.value}, expected ${OP_SYMBOL[config.op]} ${config.threshold}${
            series.length > 1
              ? ` (${passed.filter(Boolean).length}/${series.length} series pass, match ${config.match})`
              : ""
          }`.slice(0, 300),
      };
    });
  },
};
