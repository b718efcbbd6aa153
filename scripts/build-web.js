#!/usr/bin/env node
// Builds the web app when web/dist is missing or older than any of its sources, so that `npm start`
// serves a current app and starts at once when nothing changed.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";

const root = join(import.meta.dirname, "..");
const web = join(root, "web");
const built = join(web, "dist", "index.html");

function newest(path) {
  const s = statSync(path);
  if (!s.isDirectory()) return s.mtimeMs;
  let max = s.mtimeMs;
  for (const entry of readdirSync(path)) {
    if (entry === "dist" || entry === "node_modules") continue;
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
const result = spawnSync(
  join(root, "node_modules", ".bin", "vite"),
  ["build", "--config", join(web, "vite.config.ts"), "--logLevel", "warn"],
  {
    stdio: "inherit",
    cwd: root,
  },
);
process.exit(result.status ?? 1);
