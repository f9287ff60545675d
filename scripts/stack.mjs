#!/usr/bin/env node
// The product's processes for Playwright's webServer (and for `npm start` without the install step):
// reuses DATABASE_URL/REDIS_URL (or starts local ones), applies migrations, seeds once, builds the web
// app when its sources changed, then runs web + worker + demo estate until SIGINT/SIGTERM.
// Env: WEB_PORT, WORKER_HEALTH_PORT, DEMO_ESTATE_URL, REDIS_PREFIX, AUTH_SECRET, … (see README).
// STEWARD_STACK_PREPARE=0 skips migrate/seed/build (the caller did them).
import { ensureSupportedNode } from "./lib/node.mjs";
import { runStack } from "./lib/run-stack.mjs";
import { main } from "./lib/util.mjs";

await ensureSupportedNode(); // Node 24 from .tools/ when the system Node is older (re-executes)
const prepare = process.env.STEWARD_STACK_PREPARE !== "0";
main(() => runStack({ install: false, generate: prepare, prepare, autoPorts: false, banner: false }));
