import { defineConfig } from "vitest/config";

// Vitest 5's reporter uses Map.groupBy (Node >= 21) when it prints failed attempts; on Node 20 a
// failing test would crash the reporter ("Map.groupBy is not a function") and hide the failure.
if (typeof (Map as { groupBy?: unknown }).groupBy !== "function") {
  Object.defineProperty(Map, "groupBy", {
    configurable: true,
    writable: true,
    value<K, T>(items: Iterable<T>, keyOf: (item: T, index: number) => K): Map<K, T[]> {
      const map = new Map<K, T[]>();
      let i = 0;
      for (const item of items) {
        const key = keyOf(item, i++);
        const group = map.get(key);
        if (group) group.push(item);
        else map.set(key, [item]);
      }
      return map;
    },
  });
}

const exclude = [
  "**/node_modules/**",
  "**/.next/**",
  "**/dist/**",
  "**/.turbo/**",
  "**/.data/**",
  "**/.tools/**",
  "**/e2e/**",
  "**/generated/**",
];

export default defineConfig({
  test: {
    projects: [
      {
        extends: false,
        test: {
          name: "unit",
          include: ["**/*.test.ts", "**/*.test.tsx"],
          exclude: [...exclude, "**/*.integration.test.ts"],
          setupFiles: ["./packages/config/src/vitest/fail-on-console.ts"],
          environment: "node",
        },
      },
      {
        extends: false,
        test: {
          name: "integration",
          include: ["**/*.integration.test.ts"],
          exclude,
          globalSetup: ["./packages/db/src/testing/global-setup.ts"],
          setupFiles: ["./packages/config/src/vitest/fail-on-console.ts", "./packages/db/src/testing/setup-file.ts"],
          environment: "node",
          pool: "forks",
          maxWorkers: 2,
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
