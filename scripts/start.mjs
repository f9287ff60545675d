#!/usr/bin/env node
// `npm start`: installs what it needs (pnpm, dependencies, Postgres/Redis when missing), applies
// migrations, seeds the demo data once, builds and serves the dashboard with the worker and the demo
// estate, and prints the URL and the demo logins. Ctrl+C stops everything it started.
import { ensureSupportedNode } from "./lib/node.mjs";
import { runStack } from "./lib/run-stack.mjs";
import { main } from "./lib/util.mjs";

await ensureSupportedNode(); // Node 24 from .tools/ when the system Node is older (re-executes)
main(() => runStack());
