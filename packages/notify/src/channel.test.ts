import { describe, expect, it } from "vitest";
import { httpUrl } from "./channel.ts";

describe("httpUrl (channel URLs)", () => {
  it("an unparsable URL is a validation error, not a thrown TypeError", () => {
    for (const bad of ["not a url", "", "http://", "://x"]) {
      const r = httpUrl.safeParse(bad);
      expect(r.success, bad).toBe(false);
    }
  });

  it("refuses credentials in the URL and non-HTTP schemes; accepts https", () => {
    expect(httpUrl.safeParse("https://u:p@hooks.example/x").success).toBe(false);
    expect(httpUrl.safeParse("ftp://hooks.example/x").success).toBe(false);
    expect(httpUrl.safeParse("https://hooks.example/x").success).toBe(true);
  });
});
