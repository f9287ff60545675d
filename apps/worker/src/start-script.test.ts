import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
// @ts-expect-error build.mjs is plain JavaScript without type declarations
import { NODE_ARGS } from "../build.mjs";

describe("the worker's start script", () => {
  it("builds, then runs dist/main.js with the node flags the benchmarks use", () => {
    const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
    expect(pkg.scripts.start).toBe(`node build.mjs && exec node ${(NODE_ARGS as string[]).join(" ")} dist/main.js`);
  });
});
