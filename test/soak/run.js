#!/usr/bin/env node
// `npm run test:soak`: the soak suite (vitest.soak.config.ts), closing with the same
// `N passed, N failed` line as `npm test`. With CI=true an unreachable PostgreSQL fails the run.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import pg from "pg";

const root = join(import.meta.dirname, "..", "..");
const url = process.env.CARNET_TEST_DATABASE_URL || "postgres://postgres@127.0.0.1:5432/test";
const totals = { passed: 0, failed: 0, skipped: 0 };

function finish(code) {
  console.log(
    `\n${totals.passed} passed, ${totals.failed} failed${totals.skipped ? `, ${totals.skipped} skipped` : ""}`,
  );
  process.exit(code);
}

const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
try {
  await client.connect();
  await client.query("SELECT 1");
} catch (error) {
  console.error(`PostgreSQL at ${url} is not reachable: ${error.message}; the soak suite needs it.`);
  totals.failed += 1;
  finish(1);
} finally {
  await client.end().catch(() => {});
}

const dir = join(root, "test-results");
mkdirSync(dir, { recursive: true });
const report = join(dir, "soak.json");
rmSync(report, { force: true });
const started = Date.now();
const result = spawnSync(
  join(root, "node_modules", ".bin", "vitest"),
  [
    "run",
    "--config",
    "vitest.soak.config.ts",
    "--reporter=default",
    "--reporter=json",
    `--outputFile.json=${report}`,
    ...process.argv.slice(2),
  ],
  { stdio: "inherit", cwd: root, env: { ...process.env, CARNET_TEST_DATABASE_URL: url } },
);
console.log(`soak suite took ${Math.round((Date.now() - started) / 1000)} s`);
if (existsSync(report)) {
  const r = JSON.parse(readFileSync(report, "utf8"));
  totals.passed += r.numPassedTests;
  totals.failed += r.numFailedTests;
  totals.skipped += r.numPendingTests + r.numTodoTests;
} else if (result.status !== 0) totals.failed += 1;
finish(result.status === 0 ? 0 : 1);
