import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { MissingAuthSecretError, resolveAuthSecret } from "./env.ts";

describe("AUTH_SECRET (fail closed)", () => {
  it("refuses to run without one outside an explicit development or test mode", () => {
    for (const nodeEnv of ["production", undefined, "", "staging"]) {
      expect(() => resolveAuthSecret(undefined, nodeEnv)).toThrow(MissingAuthSecretError);
    }
  });

  it("uses the configured secret as is", () => {
    const s = "x".repeat(43);
    expect(resolveAuthSecret(s, "production")).toBe(s);
    expect(resolveAuthSecret(s, "development")).toBe(s);
  });

  it("development generates a random secret per process, never a built-in one", () => {
    const a = resolveAuthSecret(undefined, "development");
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(resolveAuthSecret(undefined, "test")).toBe(a);
    const source = readFileSync(new URL("./env.ts", import.meta.url), "utf8");
    expect(source).not.toContain(a);
    expect(source).not.toMatch(/SECRET\s*=\s*"/);
  });

  it("next build (no runtime env) yields no secret rather than a default", () => {
    expect(resolveAuthSecret(undefined, "production", true)).toBeUndefined();
  });
});
