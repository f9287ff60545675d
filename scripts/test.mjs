#!/usr/bin/env node
// `npm test`: installs what it needs (pnpm, dependencies, Postgres/Redis/Chromium when missing), then runs
// lint → typecheck → unit → integration → web build → browser tests, stopping at the first failure.
// The last line is always `Tests: N passed, M failed`.
//
// STEWARD_TEST_ONLY=lint,typecheck,unit,integration,build,e2e restricts the steps (setup always runs).
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { ensureChromium } from "./lib/chromium.mjs";
import { ensureSupportedNode } from "./lib/node.mjs";
import { ensurePnpm, installDependencies } from "./lib/pnpm.mjs";
import { ensureServices, redisCommands } from "./lib/services.mjs";
import { ensureTestPeers } from "./lib/test-peers.mjs";
import {
  bold,
  DATA_DIR,
  ensureDir,
  FatalError,
  freePort,
  green,
  log,
  main,
  onCleanup,
  ROOT,
  red,
  run,
  runCleanups,
  warn,
  withDb,
} from "./lib/util.mjs";

const ALL_STEPS = ["lint", "typecheck", "unit", "integration", "build", "e2e"];
const RESULTS_DIR = path.join(DATA_DIR, "test-results");

function selectedSteps() {
  const raw = process.env.STEWARD_TEST_ONLY?.trim();
  if (!raw) return new Set(ALL_STEPS);
  const chosen = raw
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  const unknown = chosen.filter((s) => !ALL_STEPS.includes(s));
  if (unknown.length)
    throw new FatalError(`STEWARD_TEST_ONLY: unknown step(s) ${unknown.join(", ")} (known: ${ALL_STEPS.join(", ")})`);
  return new Set(chosen);
}

const totals = { passed: 0, failed: 0 };
const report = [];

class StepFailed extends Error {}

async function step(name, fn) {
  console.log(`\n${bold(`━━ ${name} ━━`)}`);
  const t0 = Date.now();
  try {
    const counts = await fn();
    const secs = ((Date.now() - t0) / 1000).toFixed(1);
    report.push(`  ${green("✔")} ${name} (${secs} s${counts ? `, ${counts.passed} passed` : ""})`);
  } catch (err) {
    const secs = ((Date.now() - t0) / 1000).toFixed(1);
    report.push(`  ${red("✖")} ${name} (${secs} s)`);
    const msg = err instanceof FatalError || err instanceof StepFailed ? err.message : (err?.stack ?? String(err));
    throw new StepFailed(`step "${name}" failed: ${msg}`);
  }
}

/** Run a command; a non-zero exit fails the step. */
async function must(cmd, args, env) {
  const code = await run(cmd, args, { env });
  if (code !== 0) throw new StepFailed(`\`${[path.basename(cmd), ...args].join(" ")}\` exited with ${code}`);
}

function readJson(file) {
  try {
    return JSON.parse(readFileSync(file, "utf8"));
  } catch {
    return null;
  }
}

/** Vitest project run with the JSON reporter next to the default one; adds its counts to the totals. */
async function vitest(pnpm, project, env) {
  const out = path.join(RESULTS_DIR, `${project}.json`);
  rmSync(out, { force: true });
  const code = await run(
    pnpm,
    [
      "exec",
      "vitest",
      "run",
      "--project",
      project,
      "--reporter=default",
      "--reporter=json",
      `--outputFile.json=${out}`,
    ],
    { env },
  );
  const json = readJson(out);
  const counts = { passed: json?.numPassedTests ?? 0, failed: json?.numFailedTests ?? 0 };
  totals.passed += counts.passed;
  totals.failed += counts.failed;
  if (code !== 0) {
    throw new StepFailed(
      !json
        ? `vitest exited with ${code} and wrote no results`
        : counts.failed
          ? `${counts.failed} test(s) failed (vitest exited with ${code})`
          : `vitest exited with ${code} (see the errors above)`,
    );
  }
  if (!json) throw new StepFailed("vitest wrote no JSON results");
  if (json.numTotalTests === 0) throw new StepFailed(`the ${project} project has no tests`);
  return counts;
}

/** Delete every Redis key under `prefix:` (the e2e run's queues). */
async function cleanRedisPrefix(url, prefix) {
  let cursor = "0";
  do {
    const [reply] = await redisCommands(url, [["SCAN", cursor, "MATCH", `${prefix}:*`, "COUNT", "1000"]]);
    if (reply instanceof Error) throw reply;
    cursor = reply[0];
    if (reply[1].length) await redisCommands(url, [["UNLINK", ...reply[1]]]);
  } while (cursor !== "0");
}

async function testMain() {
  const steps = selectedSteps();
  const needServices = ["unit", "integration", "e2e"].some((s) => steps.has(s));
  let pnpm;
  let env = { ...process.env, TURBO_TELEMETRY_DISABLED: "1", NEXT_TELEMETRY_DISABLED: "1" };
  let services;

  try {
    await step("setup: pnpm", async () => {
      pnpm = await ensurePnpm();
      env.PATH = process.env.PATH; // ensurePnpm may have put .tools/ first: children (turbo) need it
    });
    await step("setup: install dependencies", () => installDependencies(pnpm));
    ensureDir(RESULTS_DIR);
    // Needs `pg` (installed above).
    const { databaseEnv, generatePrismaClient, dropDatabase, migrateDatabase, recreateDatabase, seedOnce } =
      await import("./lib/db.mjs");

    if (needServices) {
      await step("setup: PostgreSQL and Redis", async () => {
        services = await ensureServices();
        onCleanup(services.stop);
        const base = { ...env, REDIS_URL: services.redisUrl };
        if (services.startedPostgres) {
          delete base.APP_DATABASE_URL;
          delete base.SYSTEM_DATABASE_URL;
        }
        // Tests never touch the `npm start` database: integration clones templates, e2e uses steward_e2e.
        env = { ...base, ...(await databaseEnv(withDb(services.databaseUrl, "steward_test"), base)) };
        const { ensureDatabase } = await import("./lib/migrate.mjs");
        await ensureDatabase(env.DATABASE_URL);
      });
    }
    if (steps.has("unit") || steps.has("integration")) await step("setup: test peers", ensureTestPeers);
    if (steps.has("e2e")) await step("setup: Chromium", () => ensureChromium().then(() => undefined));
    env.CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? env.CHROMIUM_PATH;
    await step("setup: prisma generate", () => generatePrismaClient(pnpm, env));

    if (steps.has("lint")) await step("lint (biome check .)", () => must(pnpm, ["exec", "biome", "check", "."], env));
    if (steps.has("typecheck")) {
      await step("typecheck (turbo run typecheck)", () => must(pnpm, ["exec", "turbo", "run", "typecheck"], env));
    }
    if (steps.has("unit")) await step("unit tests (vitest --project unit)", () => vitest(pnpm, "unit", env));
    if (steps.has("integration")) {
      await step("integration tests (vitest --project integration)", () => vitest(pnpm, "integration", env));
    }

    // The browser tests run the real stack on free ports against a fresh, seeded database.
    let e2eEnv;
    if (steps.has("build") || steps.has("e2e")) {
      const { stackEnv } = await import("./lib/stack.mjs");
      const demoPort = await freePort();
      const runId = randomBytes(4).toString("hex"); // concurrent runs on one server do not collide
      e2eEnv = await stackEnv(
        {
          ...env,
          ...(await databaseEnv(
            withDb(env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/x", `steward_e2e_${runId}`),
            {
              ...env,
              APP_DATABASE_URL: undefined,
              SYSTEM_DATABASE_URL: undefined,
            },
          )),
          WEB_PORT: String(await freePort()),
          WORKER_HEALTH_PORT: String(await freePort()),
          DEMO_ESTATE_URL: `http://127.0.0.1:${demoPort}`,
          REDIS_PREFIX: `steward-e2e-${runId}`,
          AUTH_URL: undefined,
        },
        { autoPorts: false },
      );
      // stackEnv keeps explicit values; AUTH_URL follows WEB_PORT.
      e2eEnv.AUTH_URL = `http://127.0.0.1:${e2eEnv.WEB_PORT}`;
    }
    if (steps.has("build")) {
      const { buildWeb } = await import("./lib/stack.mjs");
      await step("web build (next build)", () => buildWeb(pnpm, e2eEnv));
    }
    if (steps.has("e2e")) {
      await step("browser tests (playwright)", async () => {
        const config = path.join(ROOT, "apps", "web", "playwright.config.ts");
        if (!existsSync(config)) throw new StepFailed("apps/web/playwright.config.ts does not exist");
        if (!steps.has("build")) {
          const { buildWeb } = await import("./lib/stack.mjs");
          await buildWeb(pnpm, e2eEnv); // the stack serves a production build (skipped when up to date)
        }
        log(`preparing ${e2eEnv.DATABASE_URL.replace(/:[^:@/]*@/, ":***@")} (fresh, migrated, seeded) …`);
        await recreateDatabase(e2eEnv.DATABASE_URL);
        onCleanup(() => dropDatabase(e2eEnv.DATABASE_URL));
        await migrateDatabase(e2eEnv);
        await seedOnce(pnpm, e2eEnv, { force: true });
        onCleanup(() => cleanRedisPrefix(e2eEnv.REDIS_URL, e2eEnv.REDIS_PREFIX));
        const out = path.join(RESULTS_DIR, "e2e.json");
        rmSync(out, { force: true });
        const reporters = process.env.CI ? "list,json,html" : "list,json";
        const code = await run(pnpm, ["exec", "playwright", "test", "-c", config, `--reporter=${reporters}`], {
          env: {
            ...e2eEnv,
            // apps/web/playwright.config.ts builds its webServer env from these.
            E2E_WEB_PORT: e2eEnv.WEB_PORT,
            E2E_WORKER_HEALTH_PORT: e2eEnv.WORKER_HEALTH_PORT,
            E2E_REDIS_PREFIX: e2eEnv.REDIS_PREFIX,
            E2E_DATABASE_URL: e2eEnv.DATABASE_URL,
            STEWARD_STACK_PREPARE: "0", // migrated, seeded and built above
            PLAYWRIGHT_JSON_OUTPUT_FILE: out,
            PLAYWRIGHT_JSON_OUTPUT_NAME: out,
            PLAYWRIGHT_HTML_OPEN: "never",
            PLAYWRIGHT_HTML_OUTPUT_DIR: path.join(ROOT, "apps", "web", "playwright-report"),
          },
        });
        const stats = readJson(out)?.stats;
        const counts = { passed: (stats?.expected ?? 0) + (stats?.flaky ?? 0), failed: stats?.unexpected ?? 0 };
        totals.passed += counts.passed;
        totals.failed += counts.failed;
        if (code !== 0) {
          throw new StepFailed(
            stats
              ? `${counts.failed} test(s) failed (playwright exited with ${code})`
              : `playwright exited with ${code}`,
          );
        }
        if (!stats) throw new StepFailed("playwright wrote no JSON results");
        if (counts.passed + counts.failed === 0) throw new StepFailed("playwright ran no tests");
        return counts;
      });
    }
  } catch (err) {
    await runCleanups(); // before the summary, so that it stays the last line
    console.log(`\n${bold("Summary")}\n${report.join("\n")}`);
    console.error(`\n${red("✖")} ${err.message}`);
    console.log(`Tests: ${totals.passed} passed, ${totals.failed} failed`);
    return 1;
  }

  await runCleanups();
  const skipped = ALL_STEPS.filter((s) => !steps.has(s));
  console.log(`\n${bold("Summary")}\n${report.join("\n")}`);
  if (skipped.length) warn(`steps not run (STEWARD_TEST_ONLY): ${skipped.join(", ")}`);
  console.log(`Tests: ${totals.passed} passed, ${totals.failed} failed`);
  return totals.failed > 0 ? 1 : 0;
}

await ensureSupportedNode(); // Node 24 from .tools/ when the system Node is older (re-executes)
main(testMain);
