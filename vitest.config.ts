import { defineConfig } from "vitest/config";

// Two suites: fast unit tests beside the code, and tests that load a model (real node-llama-cpp,
// one thread), which run one file at a time in forked processes.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "unit",
          include: ["electron/**/*.test.ts", "renderer/**/*.test.ts", "renderer/**/*.test.tsx", "scripts/**/*.test.ts", "models/**/*.test.ts", "e2e/**/*.test.ts"],
          exclude: ["**/*.model.test.ts", "node_modules/**", "dist/**"],
          environment: "node",
          testTimeout: 20_000,
        },
      },
      {
        test: {
          name: "model",
          include: ["electron/**/*.model.test.ts", "models/**/*.model.test.ts"],
          pool: "forks",
          maxWorkers: 1,
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
