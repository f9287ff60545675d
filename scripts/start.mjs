#!/usr/bin/env node
// `npm start`: installs what it needs (pnpm, dependencies, Postgres/Redis when missing), applies
// migrations, seeds the demo data once, builds and serves the dashboard with the worker and the demo
// estate, and prints the URL and the demo logins. Ctrl+C stops everything it started.
import { runStack } from "./lib/run-stack.mjs";
import { main } from "./lib/util.mjs";

main(() => runStack());
