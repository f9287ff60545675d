// Shared by `npm start` (scripts/start.mjs) and Playwright's webServer (scripts/stack.mjs): services →
// migrations → seed once → web build (skipped when up to date) → web + worker + demo estate.
import { ensurePnpm, installDependencies } from "./pnpm.mjs";
import { ensureServices, redact } from "./services.mjs";
import { bold, FatalError, green, log, onCleanup, warn } from "./util.mjs";

/**
 * @param {{ install?: boolean, generate?: boolean, prepare?: boolean, autoPorts?: boolean, banner?: boolean }} opts
 * Resolves when the stack stops on its own (a process died: exit code 1); signals are handled by main().
 */
export async function runStack({
  install = true,
  generate = true,
  prepare = true,
  autoPorts = true,
  banner = true,
} = {}) {
  const pnpm = await ensurePnpm();
  if (install) await installDependencies(pnpm);

  // Modules below need `pg` (installed above).
  const { databaseEnv, generatePrismaClient, migrateDatabase, seedOnce } = await import("./db.mjs");
  const { buildWeb, loginsTable, DEMO_PASSWORD, stackEnv, startStack } = await import("./stack.mjs");

  const services = await ensureServices();
  onCleanup(services.stop);

  const base = { ...process.env, REDIS_URL: services.redisUrl };
  if (services.startedPostgres) {
    // Our own cluster: role URLs must follow it, whatever the environment said.
    delete base.APP_DATABASE_URL;
    delete base.SYSTEM_DATABASE_URL;
    delete base.AUTH_DATABASE_URL;
  }
  let env = { ...base, ...(await databaseEnv(services.databaseUrl, base)) };
  env = await stackEnv(env, { autoPorts });

  if (generate) await generatePrismaClient(pnpm, env);
  if (prepare) {
    await migrateDatabase(env);
    await seedOnce(pnpm, env);
    await buildWeb(pnpm, env);
  }

  const stack = await startStack(pnpm, env);
  onCleanup(stack.stop);

  if (banner) {
    const url = stack.urls.web;
    console.log(`
${green("✔")} ${bold("Steward is running")}

  Dashboard     ${bold(url)}
  Demo estate   ${stack.urls.demo}
  Worker health ${stack.urls.worker}/ready
  PostgreSQL    ${redact(env.DATABASE_URL)}${services.startedPostgres ? " (local, .data/pg)" : ""}
  Redis         ${redact(env.REDIS_URL)}${services.startedRedis ? " (local, .data/redis)" : ""}

Demo logins (password for all: ${bold(DEMO_PASSWORD)}):
${loginsTable()}

Press Ctrl+C to stop.
`);
  } else {
    log(`stack ready at ${stack.urls.web}`);
  }

  const died = await stack.failed;
  if (died) {
    warn(`${died.name} exited (${died.code}); stopping the rest`);
    throw new FatalError(`${died.name} stopped unexpectedly`);
  }
  return 0;
}
