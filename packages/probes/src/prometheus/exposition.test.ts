import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compare, parseExposition, parseSampleLine } from "./exposition.ts";

describe("prometheus exposition parser", () => {
  it("parses comments, plain and labelled samples, timestamps, special values", () => {
    const text = [
      "# HELP http_requests_total The total number of HTTP requests.",
      "# TYPE http_requests_total counter",
      'http_requests_total{method="post",code="200"} 1027 1395066363000',
      'http_requests_total{method="post",code="400"}    3 1395066363000',
      "",
      "# Escaping in label values:",
      'msdos_file_access_time_seconds{path="C:\\\\DIR\\\\FILE.TXT",error="Cannot find file:\\n\\"FILE.TXT\\""} 1.458255915e9',
      "metric_without_timestamp_and_labels 12.47",
      'something_weird{problem="division by zero"} +Inf -3982045',
      'rpc_duration_seconds{quantile="0.5",} 4773',
      "nan_metric NaN",
      "neg_inf -Inf",
      'braces{v="a}b,c=\\"d\\""} 1',
      "  spaced  7  ",
      "# EOF",
    ].join("\n");
    const { samples, invalidLines } = parseExposition(text);
    expect(invalidLines).toBe(0);
    expect(samples[0]).toEqual({ name: "http_requests_total", labels: { method: "post", code: "200" }, value: 1027 });
    expect(samples[1]?.value).toBe(3);
    expect(samples[2]).toEqual({
      name: "msdos_file_access_time_seconds",
      labels: { path: "C:\\DIR\\FILE.TXT", error: 'Cannot find file:\n"FILE.TXT"' },
      value: 1.458255915e9,
    });
    expect(samples[3]).toEqual({ name: "metric_without_timestamp_and_labels", labels: {}, value: 12.47 });
    expect(samples[4]?.value).toBe(Number.POSITIVE_INFINITY);
    expect(samples[5]?.labels).toEqual({ quantile: "0.5" });
    expect(samples[6]?.value).toBeNaN();
    expect(samples[7]?.value).toBe(Number.NEGATIVE_INFINITY);
    expect(samples[8]?.labels).toEqual({ v: 'a}b,c="d"' });
    expect(samples[9]).toEqual({ name: "spaced", labels: {}, value: 7 });
  });

  it("OpenMetrics exemplars are ignored; CRLF is tolerated", () => {
    const s = parseSampleLine('foo_bucket{le="0.1"} 8 # {trace_id="KOO5S4vxi0o"} 0.67');
    expect(s).toEqual({ name: "foo_bucket", labels: { le: "0.1" }, value: 8 });
    expect(parseExposition("a 1\r\nb 2\r\n").samples.map((x) => x.value)).toEqual([1, 2]);
  });

  it("rejects malformed lines without failing the scrape", () => {
    for (const bad of ["1abc 1", "a{b=1} 1", 'a{b="x} 1', "a 1 2 3", "a notanumber", 'a{="x"} 1', "a{b} 1", "a"]) {
      expect(parseSampleLine(bad), bad).toBeNull();
    }
    expect(parseExposition("good 1\nbad line here x\n").invalidLines).toBe(1);
  });

  it("round-trips arbitrary label values and finite numbers (property)", () => {
    const labelName = fc.stringMatching(/^[a-zA-Z_][a-zA-Z0-9_]{0,10}$/);
    const esc = (v: string) => v.replaceAll("\\", "\\\\").replaceAll('"', '\\"').replaceAll("\n", "\\n");
    fc.assert(
      fc.property(
        fc.stringMatching(/^[a-zA-Z_:][a-zA-Z0-9_:]{0,20}$/),
        fc.dictionary(labelName, fc.string({ maxLength: 20 }), { maxKeys: 4 }),
        fc.double({ noNaN: true, noDefaultInfinity: true }),
        (name, labels, value) => {
          const body = Object.entries(labels)
            .map(([k, v]) => `${k}="${esc(v)}"`)
            .join(",");
          const line = `${name}${body ? `{${body}}` : ""} ${String(value)}`;
          const parsed = parseSampleLine(line);
          expect(parsed).not.toBeNull();
          expect(parsed?.name).toBe(name);
          expect(parsed?.labels).toEqual(labels);
          expect(Object.is(parsed?.value, value) || parsed?.value === value).toBe(true);
        },
      ),
    );
  });

  it("compare: every op; NaN satisfies nothing", () => {
    expect([compare(1, "lt", 2), compare(2, "le", 2), compare(3, "gt", 2), compare(2, "ge", 2)]).toEqual([
      true,
      true,
      true,
      true,
    ]);
    expect([compare(2, "eq", 2), compare(1, "ne", 2), compare(2, "ne", 2)]).toEqual([true, true, false]);
    for (const op of ["lt", "le", "gt", "ge", "eq", "ne"] as const) expect(compare(Number.NaN, op, 0)).toBe(false);
  });
});
