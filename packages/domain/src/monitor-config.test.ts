import { describe, expect, it } from "vitest";
import { HttpMonitorConfig } from "./monitor-config.ts";

describe("HttpMonitorConfig", () => {
  it("defaults method and expected statuses", () => {
    const c = HttpMonitorConfig.parse({ url: "http://127.0.0.1:4100/healthy" });
    expect(c.method).toBe("GET");
    expect(c.expectedStatus[0]).toBe(200);
    expect(c.expectedStatus.at(-1)).toBe(399);
    expect(c.expectedStatus).toHaveLength(200);
  });
  it("rejects non-http schemes and odd statuses", () => {
    expect(HttpMonitorConfig.safeParse({ url: "file:///etc/passwd" }).success).toBe(false);
    expect(HttpMonitorConfig.safeParse({ url: "javascript:alert(1)" }).success).toBe(false);
    expect(HttpMonitorConfig.safeParse({ url: "https://example.test", expectedStatus: [700] }).success).toBe(false);
    expect(HttpMonitorConfig.safeParse({ url: "https://example.test", method: "POST" }).success).toBe(false);
  });
});
