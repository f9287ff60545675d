import { defineConfig } from "vitest/config";

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
