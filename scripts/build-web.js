#!/usr/bin/env node
// Builds the web app when web/dist is missing or older than any of its sources, so that `npm start`
// serves a current app and starts at once when nothing changed.
// `--serve` (npm start) starts the server at the same time: the server's first start (a new
// embedded database, its migrations and the demo data) and the build each keep one of the
// machine's cores busy, so doing them together takes about as long as the longer of the two. The
// server serves web/dist as soon as the build puts it there; a build that fails stops the server.
import { spawn } from "node:child_process";
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

function upToDate() {
  const sources = Math.max(
    newest(web),
    newest(join(root, "locales")),
    statSync(join(root, "package-lock.json")).mtimeMs,
  );
  return existsSync(built) && statSync(built).mtimeMs >= sources;
}

/** Resolves with the exit code of `vite build` (0 when web/dist is in place). */
function build() {
  console.log("building the web app…");
  // Built beside web/dist and moved into place at the end, so that a server already serving
  // web/dist (another test run, a running demo) never sees a half-written app.
  const staging = join(web, `.dist-${process.pid}`);
  const vite = spawn(
    join(root, "node_modules", ".bin", "vite"),
    [
      "build",
      "--config",
      join(web, "vite.config.ts"),
      "--logLevel",
      "warn",
      "--outDir",
      staging,
      "--emptyOutDir",
    ],
    {
      stdio: "inherit",
      cwd: root,
      // Always the production build: run from a test (vitest sets NODE_ENV=test), Vite would
      // otherwise build React's development version, twice the size and slower.
      env: { ...process.env, NODE_ENV: "production" },
    },
  );
  return new Promise((resolve) => {
    vite.once("error", () => resolve(1));
    vite.once("exit", (code) => {
      if (code !== 0) {
        rmSync(staging, { recursive: true, force: true });
        return resolve(code ?? 1);
      }
      rmSync(join(web, "dist"), { recursive: true, force: true });
      renameSync(staging, join(web, "dist"));
      resolve(0);
    });
  });
}

let server = null;
let buildFailed = 0;
if (process.argv.includes("--serve")) {
  server = spawn(process.execPath, [join(root, "bin", "carnet.js"), "serve"], {
    stdio: "inherit",
    cwd: root,
  });
  server.once("exit", (code, signal) => process.exit(buildFailed || (code ?? (signal ? 0 : 1))));
  // Ctrl-C reaches both processes; a signal sent to this one alone is passed on.
  for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => server?.kill(signal));
}

const code = upToDate() ? 0 : await build();
if (code !== 0) {
  console.error("the web app did not build");
  buildFailed = code;
  if (server) server.kill("SIGTERM");
  else process.exit(code);
} else if (!server) {
  process.exit(0);
}
