import { describe, expect, it } from "vitest";
import { coerceConfig, configFields, formValuesOf } from "./monitor-form.ts";

const HTTP = {
  type: "object",
  properties: {
    url: { type: "string", maxLength: 2048, format: "uri" },
    method: { default: "GET", type: "string", enum: ["GET", "HEAD"] },
    expectedStatus: { minItems: 1, type: "array", items: { type: "integer", minimum: 100, maximum: 599 } },
    maxBodyBytes: { default: 65536, type: "integer", minimum: 0, maximum: 1048576 },
  },
  required: ["url"],
};
const DNS = {
  type: "object",
  properties: {
    name: { type: "string" },
    resolver: {
      type: "object",
      properties: { host: { type: "string" }, port: { default: 53, type: "integer" } },
      required: ["host"],
    },
    expected: { type: "array", items: { type: "string" } },
    qos: {
      default: 1,
      anyOf: [
        { type: "number", const: 0 },
        { type: "number", const: 1 },
      ],
    },
    tls: { default: false, type: "boolean" },
    headers: { type: "object", propertyNames: { type: "string" }, additionalProperties: { type: "string" } },
  },
  required: ["name"],
};

describe("monitor form from JSON Schema", () => {
  it("builds fields with widgets, order and labels", () => {
    const f = configFields("HTTP", HTTP);
    expect(f.map((x) => [x.path, x.widget, x.required])).toEqual([
      ["url", "url", true],
      ["method", "select", false],
      ["expectedStatus", "list", false],
      ["maxBodyBytes", "number", false],
    ]);
    expect(f[0]!.label).toBe("URL");
    const d = configFields("DNS", DNS);
    expect(d.map((x) => x.path)).toEqual([
      "name",
      "resolver.host",
      "resolver.port",
      "expected",
      "qos",
      "tls",
      "headers",
    ]);
    expect(d.find((x) => x.path === "qos")).toMatchObject({ widget: "select", numericOptions: true });
  });

  it("coerces form text to typed config and back", () => {
    const f = configFields("HTTP", HTTP);
    expect(
      coerceConfig(f, { url: " http://x.test/ ", method: "HEAD", expectedStatus: "200, 204", maxBodyBytes: "" }),
    ).toEqual({ url: "http://x.test/", method: "HEAD", expectedStatus: [200, 204] });
    expect(formValuesOf(f)).toEqual({ url: "", method: "GET", expectedStatus: "", maxBodyBytes: "65536" });
    expect(formValuesOf(f, { url: "http://a", expectedStatus: [200] })).toMatchObject({ expectedStatus: "200" });
    const d = configFields("DNS", DNS);
    expect(
      coerceConfig(d, {
        name: "a.test",
        resolver: { host: "127.0.0.1", port: "" },
        expected: "1.2.3.4\n5.6.7.8",
        qos: "0",
        tls: true,
      }),
    ).toEqual({ name: "a.test", resolver: { host: "127.0.0.1" }, expected: ["1.2.3.4", "5.6.7.8"], qos: 0, tls: true });
    expect(d.find((x) => x.path === "headers")?.widget).toBe("map");
    const h = coerceConfig(d, { name: "x", headers: "Accept: application/json\n\nX-Token:  a:b " });
    expect(h.headers).toEqual({ Accept: "application/json", "X-Token": "a:b" });
    expect(formValuesOf(d, h)).toMatchObject({ headers: "Accept: application/json\nX-Token: a:b" });
  });
});
