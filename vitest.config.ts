import { defineConfig } from "vitest/config";

// The suite runs with the process in a zone far from UTC and from the businesses' zones: nothing
// may depend on the server's clock zone.
process.env.TZ = "Pacific/Auckland";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts", "src/**/*.test.ts"],
    exclude: ["test/e2e/**", "node_modules/**"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    maxWorkers: 2,
    env: { TZ: "Pacific/Auckland" },
    globalSetup: ["test/support/global-setup.ts"],
  },
});
