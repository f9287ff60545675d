// Vitest setup file: any console.error during a test (or a file's hooks) fails it.
// Expected errors must be asserted, not printed.
import { format } from "node:util";
import { afterAll, afterEach } from "vitest";

let calls: string[] = [];
const original = console.error.bind(console);

console.error = (...args: unknown[]) => {
  calls.push(format(...args));
  original(...args);
};

function check(where: string): void {
  if (calls.length === 0) return;
  const seen = calls;
  calls = [];
  throw new Error(`console.error was called ${where}:\n${seen.map((s) => `  - ${s.split("\n")[0]}`).join("\n")}`);
}

afterEach(() => check("during this test"));
afterAll(() => check("in this file's hooks"));
