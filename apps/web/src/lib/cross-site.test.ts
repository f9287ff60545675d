import { describe, expect, it } from "vitest";
import { isCrossSite } from "./cross-site.ts";

const app = "http://127.0.0.1:3000";
const h = (o: Record<string, string>) => new Headers(o);

describe("isCrossSite", () => {
  it("accepts same-origin browser requests", () => {
    expect(isCrossSite(h({ origin: app, "sec-fetch-site": "same-origin" }), `${app}/api/trpc/x`, app)).toBe(false);
  });
  it("accepts requests without Origin (non-browser clients)", () => {
    expect(isCrossSite(h({}), `${app}/api/trpc/x`, app)).toBe(false);
  });
  it("refuses cross-site and same-site fetch metadata", () => {
    expect(isCrossSite(h({ "sec-fetch-site": "cross-site" }), `${app}/x`, app)).toBe(true);
    expect(isCrossSite(h({ "sec-fetch-site": "same-site" }), `${app}/x`, app)).toBe(true);
  });
  it("refuses a foreign or opaque Origin", () => {
    expect(isCrossSite(h({ origin: "https://evil.example" }), `${app}/x`, app)).toBe(true);
    expect(isCrossSite(h({ origin: "null" }), `${app}/x`, app)).toBe(true);
  });
  it("accepts the origin the request was addressed to (behind a proxy)", () => {
    const headers = h({ origin: "https://steward.example", host: "steward.example", "x-forwarded-proto": "https" });
    expect(isCrossSite(headers, "http://10.0.0.5:3000/x", app)).toBe(false);
  });
});
