import { describe, expect, it } from "vitest";
import {
  checkJsonPath,
  checkKeyword,
  checkRegex,
  parseJsonPath,
  RegexTimeoutError,
  selectJsonPath,
  testRegexBounded,
} from "./assertions.ts";

describe("keyword", () => {
  it("present / absent, case-sensitive or not", () => {
    const cs = { absent: false, caseSensitive: true };
    expect(checkKeyword("status: OK", "OK", cs)).toBeUndefined();
    expect(checkKeyword("status: ok", "OK", cs)).toBe('keyword "OK" not found in the response');
    expect(checkKeyword("status: ok", "OK", { ...cs, caseSensitive: false })).toBeUndefined();
    expect(checkKeyword("error here", "error", { absent: true, caseSensitive: true })).toBe(
      'keyword "error" found in the response',
    );
    expect(checkKeyword("Error here", "error", { absent: true, caseSensitive: true })).toBeUndefined();
    expect(checkKeyword("Error here", "error", { absent: true, caseSensitive: false })).toMatch(/found/);
  });
});

describe("regex", () => {
  it("present / absent", () => {
    expect(checkRegex("version 1.2.3", /\d+\.\d+\.\d+/, { absent: false })).toBeUndefined();
    expect(checkRegex("version x", /\d+/, { absent: false })).toBe("regex /\\d+/ did not match the response");
    expect(checkRegex("all good", /fail(ed|ure)/, { absent: true })).toBeUndefined();
    expect(checkRegex("job failed", /fail(ed|ure)/, { absent: true })).toMatch(/matched the response/);
  });

  it("a catastrophic pattern is interrupted by the timeout, not run to completion", () => {
    const t0 = performance.now();
    expect(() => testRegexBounded(/^(a+)+$/, `${"a".repeat(64)}!`, 50)).toThrow(RegexTimeoutError);
    expect(performance.now() - t0).toBeLessThan(1000);
    // and the shared context is still usable afterwards
    expect(testRegexBounded(/b/, "abc")).toBe(true);
  });
});

describe("JSON path", () => {
  it("parses dotted, indexed and quoted steps", () => {
    expect(parseJsonPath("$")).toEqual([]);
    expect(parseJsonPath("$.a.b")).toEqual(["a", "b"]);
    expect(parseJsonPath("data.items[0].state")).toEqual(["data", "items", 0, "state"]);
    expect(parseJsonPath(`$["content-type"]['it\\'s'][12]`)).toEqual(["content-type", "it's", 12]);
    expect(parseJsonPath("$.x-y")).toEqual(["x-y"]);
  });

  it.each(["", "$..a", "$.*", "$[?(@.a)]", "$.a[", "$['a'", "$.a[-1]", "a b", "$.", "$[0", ".a"])("rejects %j", (p) => {
    expect(() => parseJsonPath(p)).toThrow();
  });

  it("selects only own properties and in-range indexes", () => {
    const doc = JSON.parse('{"a":{"b":[1,{"c":null}]},"__proto__":{"x":1}}');
    expect(selectJsonPath(doc, ["a", "b", 1, "c"])).toBeNull();
    expect(selectJsonPath(doc, ["a", "b", 5])).toBeUndefined();
    expect(selectJsonPath(doc, ["a", "constructor"])).toBeUndefined();
    expect(selectJsonPath(doc, ["a", "b", "length"])).toBeUndefined();
    expect(selectJsonPath(doc, ["__proto__", "x"])).toBe(1);
    expect(selectJsonPath({}, ["toString"])).toBeUndefined();
  });

  const body = JSON.stringify({
    status: "ok",
    count: 42,
    load: "0.75",
    up: true,
    nothing: null,
    tags: ["eu", "prod", 7],
    nested: { a: 1 },
  });
  it.each([
    ["$.status", "exists", undefined, true],
    ["$.nothing", "exists", undefined, true],
    ["$.missing", "exists", undefined, false],
    ["$.status", "eq", "ok", true],
    ["$.status", "eq", "OK", false],
    ["$.status", "ne", "down", true],
    ["$.count", "eq", "42", true],
    ["$.count", "eq", "42.0", true],
    ["$.count", "ne", "42", false],
    ["$.up", "eq", "true", true],
    ["$.nothing", "eq", "null", true],
    ["$.nested", "eq", '{"a":1}', true],
    ["$.count", "gt", "41", true],
    ["$.count", "ge", "42", true],
    ["$.count", "lt", "42", false],
    ["$.load", "le", "0.8", true],
    ["$.status", "gt", "1", false],
    ["$.count", "gt", "abc", false],
    ["$.status", "contains", "k", true],
    ["$.tags", "contains", "prod", true],
    ["$.tags", "contains", "7", true],
    ["$.tags", "contains", "us", false],
    ["$.count", "contains", "4", false],
  ] as const)("%s %s %s → %s", (path, op, expected, holds) => {
    const r = checkJsonPath(body, path, op, expected);
    if (holds) expect(r).toBeUndefined();
    else expect(r).toEqual(expect.any(String));
  });

  it("explains failures", () => {
    expect(checkJsonPath("<html>", "$.a", "exists", undefined)).toBe("response is not valid JSON");
    expect(checkJsonPath(body, "$.missing", "eq", "x")).toBe("JSON path $.missing not found");
    expect(checkJsonPath(body, "$.count", "lt", "10")).toBe('JSON path $.count did not satisfy lt "10"');
    expect(checkJsonPath(body, "$.status", "gt", "1")).toBe("JSON path $.status is not a number");
  });
});
