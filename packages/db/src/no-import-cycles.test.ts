import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

// The package's own modules import each other without a cycle (client → with-tenant-read → tenant →
// client was one): a cycle makes evaluation order decide whether an import is still undefined.

const dir = path.dirname(fileURLToPath(import.meta.url));

function localImports(file: string): string[] {
  const src = readFileSync(path.join(dir, file), "utf8");
  const out: string[] = [];
  for (const m of src.matchAll(/^\s*(?:import|export)\s[^;]*?from\s+"(\.\/[^"]+\.ts)"/gms)) {
    const target = m[1]!.slice(2);
    if (!target.includes("/")) out.push(target);
  }
  return out;
}

function findCycle(files: string[]): string[] | null {
  const state = new Map<string, "visiting" | "done">();
  const stack: string[] = [];
  const visit = (f: string): string[] | null => {
    if (state.get(f) === "done") return null;
    if (state.get(f) === "visiting") return [...stack.slice(stack.indexOf(f)), f];
    state.set(f, "visiting");
    stack.push(f);
    for (const next of localImports(f)) {
      if (!files.includes(next)) continue;
      const cycle = visit(next);
      if (cycle) return cycle;
    }
    stack.pop();
    state.set(f, "done");
    return null;
  };
  for (const f of files) {
    const cycle = visit(f);
    if (cycle) return cycle;
  }
  return null;
}

describe("@steward/db modules", () => {
  it("import each other without a cycle", () => {
    const files = readdirSync(dir).filter((f) => f.endsWith(".ts") && !/\.test\.ts$/.test(f));
    expect(files).toContain("client.ts");
    expect(findCycle(files)).toBeNull();
  });
});
