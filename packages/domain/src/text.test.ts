import { describe, expect, it } from "vitest";
import { BigIntIdString, MultiLineText, SingleLineText } from "./text.ts";

const name = SingleLineText({ label: "Name", min: 1, max: 20 });
const note = MultiLineText({ label: "Note", min: 1, max: 50 });

function message(r: { success: boolean; error?: { issues: { message: string }[] } }): string | undefined {
  return r.success ? undefined : r.error!.issues[0]!.message;
}

describe("SingleLineText", () => {
  it("accepts ordinary text (trimmed, unicode included)", () => {
    expect(name.parse("  Web — Zürich 東京 ")).toBe("Web — Zürich 東京");
    expect(name.parse("emoji 🚀 ok")).toBe("emoji 🚀 ok");
  });
  it.each([
    ["NUL", "a\u0000b"],
    ["tab", "a\tb"],
    ["LF", "a\nb"],
    ["CR", "a\rb"],
    ["ESC", "a\u001b[31mb"],
    ["DEL", "a\u007fb"],
    ["C1", "a\u0085b"],
    ["line separator", "a\u2028b"],
    ["lone high surrogate", "a\ud800b"],
    ["lone low surrogate", "a\udc00b"],
  ])("refuses %s with a clear message", (_l, value) => {
    expect(message(name.safeParse(value))).toBe(
      "Name cannot contain control characters (such as NUL, tabs or line breaks)",
    );
  });
  it("says when it is empty or too long", () => {
    expect(message(name.safeParse("   "))).toBe("Name cannot be empty");
    expect(message(name.safeParse("x".repeat(21)))).toBe("Name is at most 20 characters");
  });
});

describe("MultiLineText", () => {
  it("keeps line feeds and tabs, normalises CRLF and CR", () => {
    expect(note.parse("line 1\r\nline 2\rline\t3\n")).toBe("line 1\nline 2\nline\t3");
  });
  it.each([
    ["NUL", "a\u0000b"],
    ["vertical tab", "a\u000bb"],
    ["ESC", "a\u001bb"],
    ["lone surrogate", "a\udfffb"],
  ])("refuses %s", (_l, value) => {
    expect(message(note.safeParse(value))).toBe(
      "Note cannot contain control characters other than line breaks and tabs (such as NUL)",
    );
  });
});

describe("BigIntIdString", () => {
  const id = BigIntIdString("Cursor");
  it("accepts 1 … 2^63−1", () => {
    expect(id.parse("1")).toBe("1");
    expect(id.parse("9223372036854775807")).toBe("9223372036854775807");
  });
  it.each(["0", "-1", "01", "1.5", "", " 1", "9223372036854775808", "99999999999999999999999"])("refuses %j", (v) => {
    expect(id.safeParse(v).success).toBe(false);
  });
});
