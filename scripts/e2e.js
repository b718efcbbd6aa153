#!/usr/bin/env node
// `npm run test:e2e`: builds the web app, starts the real server on a fresh embedded database with
// the demo data, runs the browser tests in Debian's Chromium against it, and stops the server.
// Arguments (`npm run test:e2e -- till`) go to vitest: a filter runs the matching files only.
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const root = join(import.meta.dirname, "..");
if (spawnSync(process.execPath, [join(root, "scripts", "build-web.js")], { stdio: "inherit" }).status !== 0)
  process.exit(1);

const dataDir = mkdtempSync(join(tmpdir(), "carnet-e2e-"));
const server = spawn(process.execPath, [join(root, "bin", "carnet.js"), "serve"], {
  env: {
    ...process.env,
    PORT: "0",
    HOST: "127.0.0.1",
    CARNET_DATA_DIR: join(dataDir, "data"),
    CARNET_MAIL_LOG: join(dataDir, "mail.log"),
    CARNET_DEMO: "1",
    DATABASE_URL: "",
    LOG_LEVEL: "warn",
  },
  stdio: ["ignore", "pipe", "inherit"],
});
let out = "";
const url = await new Promise((resolve, reject) => {
  const timer = setTimeout(() => reject(new Error(`the server did not start:\n${out}`)), 180_000);
  server.stdout.on("data", (d) => {
    out += d;
    const match = /running at (http:\/\/localhost:\d+)/.exec(out);
    if (match) {
      clearTimeout(timer);
      resolve(match[1].replace("localhost", "127.0.0.1"));
    }
  });
  server.once("exit", (code) => reject(new Error(`the server exited with ${code}:\n${out}`)));
});

const report = process.env.CARNET_E2E_REPORT;
const result = spawnSync(
  join(root, "node_modules", ".bin", "vitest"),
  [
    "run",
    "--config",
    join(root, "test", "e2e", "vitest.e2e.config.ts"),
    ...(report ? ["--reporter=default", "--reporter=json", `--outputFile.json=${report}`] : []),
    ...process.argv.slice(2),
  ],
  {
    stdio: "inherit",
    cwd: root,
    env: { ...process.env, CARNET_E2E_URL: url, CARNET_E2E_MAIL_LOG: join(dataDir, "mail.log") },
  },
);
server.kill("SIGTERM");
await new Promise((resolve) => server.once("exit", resolve));
rmSync(dataDir, { recursive: true, force: true });
process.exit(result.status ?? 1);
