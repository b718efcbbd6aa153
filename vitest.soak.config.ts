import { defineConfig } from "vitest/config";

// `npm run test:soak`: crash, outage and mixed-load tests with real server processes. They run one
// file at a time (the machine's cores are the load's), each bounded in time; the whole suite stays
// under ten minutes. PostgreSQL is the one from CARNET_TEST_DATABASE_URL, reached on loopback only.
process.env.TZ = "Pacific/Auckland";

export default defineConfig({
  test: {
    include: ["test/soak/**/*.soak.ts"],
    testTimeout: 180_000,
    hookTimeout: 120_000,
    maxWorkers: 1,
    fileParallelism: false,
    // No global set-up dropping stale test databases: each soak test drops its own, and a soak
    // run must not pull databases from under a test run beside it.
    env: { TZ: "Pacific/Auckland", CARNET_TEST_BACKEND: "postgres" },
  },
});
