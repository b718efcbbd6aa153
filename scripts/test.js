#!/usr/bin/env node
// `npm test`: typecheck, lint, then the whole suite on the embedded database (PGlite) and on a real
// PostgreSQL server, then the browser tests. Arguments after `npm test --` go to vitest.
// With CI=true a missing PostgreSQL server fails the run; locally it is skipped with a loud warning.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import pg from "pg";

const root = join(import.meta.dirname, "..");
const bin = (name) => join(root, "node_modules", ".bin", name);
const args = process.argv.slice(2);
const totals = { passed: 0, failed: 0, skipped: 0 };

function run(label, command, commandArgs, env = {}) {
  console.log(`\n=== ${label} ===`);
  const result = spawnSync(command, commandArgs, {
    stdio: "inherit",
    cwd: root,
    env: { ...process.env, ...env },
  });
  return result.status ?? 1;
}

function finish(code) {
  console.log(
    `\n${totals.passed} passed, ${totals.failed} failed${totals.skipped ? `, ${totals.skipped} skipped` : ""}`,
  );
  process.exit(code);
}

function vitest(label, env, extra = []) {
  const dir = join(root, "test-results");
  mkdirSync(dir, { recursive: true });
  const report = join(dir, `${label.replace(/\W+/g, "-")}.json`);
  rmSync(report, { force: true });
  const code = run(
    label,
    bin("vitest"),
    ["run", "--reporter=default", "--reporter=json", `--outputFile.json=${report}`, ...extra, ...args],
    env,
  );
  if (existsSync(report)) {
    const r = JSON.parse(readFileSync(report, "utf8"));
    totals.passed += r.numPassedTests;
    totals.failed += r.numFailedTests;
    totals.skipped += r.numPendingTests + r.numTodoTests;
  } else if (code !== 0) {
    totals.failed += 1;
  }
  return code;
}

async function postgresReachable(url) {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query("SELECT 1");
    return true;
  } catch (error) {
    console.error(`PostgreSQL at ${url} is not reachable: ${error.message}`);
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

/**
 * On a Debian machine that lacks Chromium or a reachable PostgreSQL, installs or starts them as
 * `.ci/run` does (scripts/setup-machine.sh), when this user may (root, or sudo without a password).
 */
async function setUpMachine() {
  const url = process.env.CARNET_TEST_DATABASE_URL || "postgres://postgres@127.0.0.1:5432/test";
  const chromium = existsSync("/usr/bin/chromium");
  if (chromium && (await postgresReachable(url))) return;
  const may =
    existsSync("/usr/bin/apt-get") &&
    (process.getuid?.() === 0 || spawnSync("sudo", ["-n", "true"], { stdio: "ignore" }).status === 0);
  if (!may) {
    console.warn(
      `${chromium ? "" : "Debian's chromium is not installed (the browser tests need it); "}` +
        "scripts/setup-machine.sh installs what is missing, as root.",
    );
    return;
  }
  console.log("\n=== setting up this machine (scripts/setup-machine.sh) ===");
  const setup = spawnSync("bash", [join(root, "scripts", "setup-machine.sh")], {
    cwd: root,
    stdio: ["ignore", "pipe", "inherit"],
    encoding: "utf8",
  });
  if (setup.status !== 0) {
    console.error("setting up the machine failed");
    return;
  }
  if (!process.env.CARNET_TEST_DATABASE_URL) process.env.CARNET_TEST_DATABASE_URL = setup.stdout.trim();
}

const filtered = args.length > 0;
await setUpMachine();
if (!filtered) {
  // The web app's API types first: the web app's code, and the tests that import some of it, use them.
  const types = [process.execPath, ["--import", "tsx", "scripts/api-types.ts"]];
  if (run("the web app's API types from the OpenAPI document", ...types) !== 0) finish(1);
  if (run("typecheck (tsc --noEmit)", bin("tsc"), ["--noEmit"]) !== 0) finish(1);
  if (run("typecheck of the web app", bin("tsc"), ["--noEmit", "-p", "web"]) !== 0) finish(1);
  if (run("lint and format (biome check)", bin("biome"), ["check", "."]) !== 0) finish(1);
}

if (vitest("tests on the embedded database (PGlite)", { CARNET_TEST_BACKEND: "pglite" }) !== 0) finish(1);

const url = process.env.CARNET_TEST_DATABASE_URL || "postgres://postgres@127.0.0.1:5432/test";
if (await postgresReachable(url)) {
  if (vitest("tests on PostgreSQL", { CARNET_TEST_BACKEND: "postgres", CARNET_TEST_DATABASE_URL: url }) !== 0)
    finish(1);
} else if (process.env.CI === "true") {
  console.error("CI=true: the PostgreSQL suite must run. Failing.");
  totals.failed += 1;
  finish(1);
} else {
  console.warn(`
#####################################################################
#  WARNING: THE POSTGRESQL SUITE WAS SKIPPED: no server at          #
#  ${url.padEnd(63)}#
#  Start PostgreSQL or set CARNET_TEST_DATABASE_URL. CI never skips. #
#####################################################################
`);
}

const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
if (!filtered && pkg.scripts["test:e2e"] && existsSync(join(root, "test", "e2e"))) {
  const dir = join(root, "test-results");
  const report = join(dir, "e2e.json");
  rmSync(report, { force: true });
  const code = run("browser tests (Chromium)", "npm", ["run", "test:e2e"], { CARNET_E2E_REPORT: report });
  if (existsSync(report)) {
    const r = JSON.parse(readFileSync(report, "utf8"));
    totals.passed += r.numPassedTests;
    totals.failed += r.numFailedTests;
  } else if (code !== 0) totals.failed += 1;
  if (code !== 0) finish(1);
}
finish(0);
