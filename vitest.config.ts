import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: [
      "packages/*/test/**/*.test.ts",
      "examples/**/test/**/*.test.ts",
      "bench/test/**/*.test.ts",
    ],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: "forks",
    // Test relays log at info to files; the teardown fails the run if any holds a secret.
    globalSetup: ["packages/relay/test/helpers/global-log-scan.ts"],
  },
});
