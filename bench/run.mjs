// `pnpm bench <id>` / `pnpm bench all` (shared/quality.md): each benchmark is bench/<id>-*.ts, run
// through tsx in its own process; its LAST stdout line is one JSON object with the result.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { ensureSupportedNode } from "../scripts/lib/node.mjs";

await ensureSupportedNode(); // Node 24 from .tools/ when the system Node is older (re-executes)

const here = path.dirname(fileURLToPath(import.meta.url));
const files = readdirSync(here).filter((f) => /^b\d+-.*\.ts$/.test(f));
const byId = new Map(
  files
    .map((f) => [f.slice(0, f.indexOf("-")).toUpperCase(), f])
    .sort((a, b) => Number(a[0].slice(1)) - Number(b[0].slice(1))),
);

function usage() {
  console.error(`usage: pnpm bench <${[...byId.keys()].join("|")}|all>`);
  process.exit(2);
}

function runOne(id) {
  const file = byId.get(id);
  if (!file) usage();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", path.join(here, file)], {
      stdio: ["ignore", "pipe", "inherit"],
      env: {
        ...process.env,
        LOG_LEVEL: process.env.LOG_LEVEL ?? "warn",
        // The worker refuses to start without a monitor-secrets key outside development: one for this run.
        STEWARD_SECRETS_KEYS: process.env.STEWARD_SECRETS_KEYS ?? `bench:${randomBytes(32).toString("base64")}`,
        // Benchmarks run against the local trust-auth Postgres with the built-in role passwords; the compiled
        // worker (no NODE_ENV) refuses them otherwise.
        ALLOW_DEFAULT_DB_PASSWORDS: process.env.ALLOW_DEFAULT_DB_PASSWORDS ?? "1",
      },
    });
    let out = "";
    child.stdout.on("data", (d) => {
      out += d;
      process.stdout.write(d);
    });
    child.on("close", (code) => {
      const last = out.trimEnd().split("\n").at(-1) ?? "";
      let result;
      try {
        result = JSON.parse(last);
      } catch {
        result = {
          bench: id,
          value: null,
          unit: "",
          ceiling: null,
          ratio: null,
          target: "",
          pass: false,
          error: `exit ${code}`,
        };
        if (id) process.stdout.write(`${JSON.stringify(result)}\n`);
      }
      resolve({ code, result });
    });
  });
}

const arg = (process.argv[2] ?? "").toUpperCase();
if (!arg) usage();
if (arg !== "ALL") {
  const { code, result } = await runOne(arg);
  process.exit(code === 0 && result.pass !== undefined ? 0 : code || 1);
}

const results = [];
for (const id of byId.keys()) {
  console.error(`\n=== ${id} ===`);
  results.push((await runOne(id)).result);
}
const rows = results.map((r) => [
  r.bench,
  `${r.value ?? "-"} ${r.unit ?? ""}`.trim(),
  r.ceiling == null ? "-" : String(r.ceiling),
  r.ratio == null ? "-" : String(r.ratio),
  r.target ?? "",
  r.pass ? "PASS" : "FAIL",
]);
const head = ["bench", "value", "ceiling", "ratio", "target", "pass"];
const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
const line = (cells) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(" | ")} |`;
console.info(["", line(head), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n"));
process.stdout.write(
  `${JSON.stringify({ bench: "all", value: results.filter((r) => r.pass).length, unit: "passed", ceiling: results.length, ratio: null, target: "all pass", pass: results.every((r) => r.pass) })}\n`,
);
