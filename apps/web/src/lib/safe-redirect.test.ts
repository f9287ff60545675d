import { describe, expect, it } from "vitest";
import { safeRedirectPath, safeRedirectUrl } from "./safe-redirect.ts";

/** Spellings that browsers (or the URL parser) read as another origin, a script, or a broken header. */
const BYPASSES = [
  "//evil.example",
  "//evil.example/tab",
  "/\\evil.example",
  "\\/evil.example",
  "\\\\evil.example",
  "/\t/evil.example/tab",
  "/\n/evil.example/tab",
  "/\r/evil.example/tab",
  "/\r\nSet-Cookie: x=1",
  "\t//evil.example",
  " //evil.example",
  "%2F%2Fevil.example",
  "%5C%5Cevil.example",
  "https:evil.example",
  "https://evil.example",
  "http://127.0.0.1:3000@evil.example",
  "//127.0.0.1:3000@evil.example",
  "javascript:alert(1)",
  "JaVaScRiPt:alert(1)",
  "data:text/html,<script>alert(1)</script>",
  "///evil.example",
  "////evil.example",
  "/.//evil.example",
  "/./..//evil.example",
  "/..//evil.example",
  "/%2e//evil.example",
  "/\uff0fevil.example",
  "\uff0f\uff0fevil.example",
  "/\u3002evil.example",
  "/\u0000/evil.example",
  "/\u200b/evil.example",
  "/\u00a0/evil.example",
  "evil.example",
  "",
  "/".repeat(3000),
];

describe("safeRedirectPath", () => {
  it.each(BYPASSES.map((b) => [JSON.stringify(b), b]))("refuses %s", (_label, spelling) => {
    const out = safeRedirectPath(spelling);
    expect(out).toBe("/");
    // Whatever comes out resolves on the app's own origin.
    expect(new URL(out, "http://127.0.0.1:3000").origin).toBe("http://127.0.0.1:3000");
  });

  it("refuses non-strings and takes the first of repeated parameters", () => {
    expect(safeRedirectPath(undefined)).toBe("/");
    expect(safeRedirectPath(42)).toBe("/");
    expect(safeRedirectPath(["//evil.example", "/t/acme"])).toBe("/");
    expect(safeRedirectPath(["/t/acme", "//evil.example"])).toBe("/t/acme");
  });

  it("keeps same-origin paths with query and fragment", () => {
    expect(safeRedirectPath("/")).toBe("/");
    expect(safeRedirectPath("/t/acme")).toBe("/t/acme");
    expect(safeRedirectPath("/t/acme/monitors?q=web&status=DOWN#top")).toBe("/t/acme/monitors?q=web&status=DOWN#top");
    expect(safeRedirectPath("/t/acme/%2F%2Fevil")).toBe("/t/acme/%2F%2Fevil");
    expect(safeRedirectPath("/a/../t/acme")).toBe("/t/acme");
    expect(safeRedirectPath("/%09/evil.example")).toBe("/%09/evil.example");
  });

  it("every output is a same-origin path for arbitrary input", () => {
    const samples = [...BYPASSES, "/x", "/x//y", "/x?next=//evil", "/x#//evil"];
    for (const s of samples) {
      const out = safeRedirectPath(s);
      expect(out.startsWith("/") && !out.startsWith("//")).toBe(true);
      expect(new URL(out, "http://127.0.0.1:3000").origin).toBe("http://127.0.0.1:3000");
    }
  });
});

describe("safeRedirectUrl (next-auth redirect callback)", () => {
  const base = "http://127.0.0.1:3000";
  it("keeps same-origin targets", () => {
    expect(safeRedirectUrl("/t/acme", base)).toBe(`${base}/t/acme`);
    expect(safeRedirectUrl(`${base}/t/acme?x=1`, base)).toBe(`${base}/t/acme?x=1`);
  });
  it.each(BYPASSES.map((b) => [JSON.stringify(b), b]))("sends %s home", (_label, spelling) => {
    expect(safeRedirectUrl(spelling, base)).toBe(base);
  });
  it("refuses another origin", () => {
    expect(safeRedirectUrl("http://127.0.0.1:3001/t/acme", base)).toBe(base);
    expect(safeRedirectUrl("https://127.0.0.1:3000/t/acme", base)).toBe(base);
  });
});
