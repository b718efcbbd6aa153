#!/usr/bin/env node
// Builds the web app when web/dist is missing or older than any of its sources, so that `npm start`
// serves a current app and starts at once when nothing changed.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, renameSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";

const root = join(import.meta.dirname, "..");
const web = join(root, "web");
const built = join(web, "dist", "index.html");

function newest(path) {
  const s = statSync(path);
  if (!s.isDirectory()) return s.mtimeMs;
  let max = s.mtimeMs;
  for (const entry of readdirSync(path)) {
    if (entry === "dist" || entry === "node_modules" || entry.startsWith(".dist-")) continue;
    max = Math.max(max, newest(join(path, entry)));
  }
  return max;
}

const sources = Math.max(
  newest(web),
  newest(join(root, "locales")),
  statSync(join(root, "package-lock.json")).mtimeMs,
);
if (existsSync(built) && statSync(built).mtimeMs >= sources) process.exit(0);
console.log("building the web app…");
// Built beside web/dist and moved into place at the end, so that a server already serving web/dist
// (another test run, a running demo) never sees a half-written app.
const staging = join(web, `.dist-${process.pid}`);
const result = spawnSync(
  join(root, "node_modules", ".bin", "vite"),
  ["build", "--config", join(web, "vite.config.ts"), "--logLevel", "warn", "--outDir", staging, "--emptyOutDir"],
  {
    stdio: "inherit",
    cwd: root,
  },
);
if (result.status !== 0) {
  rmSync(staging, { recursive: true, force: true });
  process.exit(result.status ?? 1);
}
rmSync(join(web, "dist"), { recursive: true, force: true });
renameSync(staging, join(web, "dist"));
