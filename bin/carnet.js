#!/usr/bin/env node
// Node 20 cannot load TypeScript by itself. Carnet starts from a one-file build of src/ (esbuild,
// in .carnet/build, made again whenever a source is newer): it loads in a fraction of the time that
// compiling every module on the fly takes. Where the build cannot be made, tsx runs src/ as it is.
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { setFlagsFromString } from "node:v8";

// V8 moves objects from allocation sites whose objects often outlive a young-generation
// collection straight into the old generation ("pretenuring"). Under load it did so for objects
// of a request (pg's queries and results), which then held that request's young objects alive
// through every young collection until the next full one: ≈0.9 MB promoted per collection while
// serving the booking panel, each collection ≈4–5 ms instead of ≈1.3. Measured in docs/benchmarks.md.
setFlagsFromString("--no-allocation-site-pretenuring");

const root = join(import.meta.dirname, "..");
const bundle = join(root, ".carnet", "build", "carnet.mjs");

function newest(path) {
  const s = statSync(path);
  if (!s.isDirectory()) return s.mtimeMs;
  let max = s.mtimeMs;
  for (const entry of readdirSync(path)) max = Math.max(max, newest(join(path, entry)));
  return max;
}

async function freshBundle() {
  const sources = Math.max(newest(join(root, "src")), statSync(join(root, "package-lock.json")).mtimeMs);
  if (existsSync(bundle) && statSync(bundle).mtimeMs >= sources) return true;
  // Two processes starting at once each build their own file; the rename makes either one whole.
  const partial = `${bundle}.${process.pid}.partial`;
  try {
    const { build } = await import("esbuild");
    mkdirSync(dirname(bundle), { recursive: true });
    await build({
      entryPoints: [join(root, "src", "cli.ts")],
      outfile: partial,
      bundle: true,
      packages: "external",
      platform: "node",
      format: "esm",
      target: "node20",
      logLevel: "silent",
    });
    renameSync(partial, bundle);
    return true;
  } catch (error) {
    rmSync(partial, { force: true });
    console.warn(`carnet: running from the sources (the build failed: ${error.message})`);
    return false;
  }
}

if (await freshBundle()) {
  await import(pathToFileURL(bundle).href);
} else {
  const { register } = await import("tsx/esm/api");
  register();
  await import("../src/cli.ts");
}
