import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { brotliCompress, constants, gzip } from "node:zlib";
import react from "@vitejs/plugin-react";
import { defineConfig, type Plugin } from "vite";

const brotli = promisify(brotliCompress);
const gzipped = promisify(gzip);

/** Below this a compressed copy saves less than a network packet: not worth a file. */
const PRECOMPRESS_MIN_BYTES = 1024;
const PRECOMPRESSIBLE = /\.(js|mjs|css|html|svg|json)$/;

/**
 * Writes `name.br` and `name.gz` beside every text file of the build, compressed once at high
 * levels, so that the server sends them as they are (@fastify/static's preCompressed,
 * src/http/static-assets.ts) instead of compressing on every request. Brotli at 10, not 11: on
 * the whole app 11 made the files 1.8 % smaller and took 2.5 times as long (22 s against 9 s of
 * CPU on a busy 2-core machine), and the build runs at the first `npm start`.
 */
const BROTLI_QUALITY = 10;
function precompress(): Plugin {
  let outDir = "";
  return {
    name: "carnet-precompress",
    apply: "build",
    configResolved(config) {
      outDir = config.build.outDir;
    },
    async writeBundle(_options, bundle) {
      const files = Object.keys(bundle).filter((name) => PRECOMPRESSIBLE.test(name));
      await Promise.all(
        files.map(async (name) => {
          const path = join(outDir, name);
          const content = await readFile(path);
          if (content.length < PRECOMPRESS_MIN_BYTES) return;
          const [br, gz] = await Promise.all([
            brotli(content, {
              params: {
                [constants.BROTLI_PARAM_QUALITY]: BROTLI_QUALITY,
                [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
                [constants.BROTLI_PARAM_SIZE_HINT]: content.length,
              },
            }),
            gzipped(content, { level: constants.Z_BEST_COMPRESSION }),
          ]);
          await Promise.all([writeFile(`${path}.br`, br), writeFile(`${path}.gz`, gz)]);
        }),
      );
    },
  };
}

// Screens are loaded when first shown (React.lazy in src/App.tsx) and bring the libraries only they
// use (react-big-calendar comes with the calendar). The libraries every screen needs go in chunks
// of their own, which change less often than the app and stay cached across releases. Only
// modules matching a group go in it (no dependencies pulled in after them): a shared helper
// pulled into a screen's group would make the sign-in page load that screen.
// (Vite names modules by their path with forward slashes on every system.)
const node_modules = (names: string) => new RegExp(`/node_modules/(${names})/`);
const VENDOR_GROUPS = [
  { name: "react", test: node_modules("react|react-dom|scheduler|react-router|cookie|set-cookie-parser") },
  {
    name: "mantine",
    test: node_modules(
      "@mantine/core|@mantine/hooks|@floating-ui/[^/]+|react-remove-scroll|react-remove-scroll-bar|react-style-singleton|use-callback-ref|use-sidecar|tslib|get-nonce|detect-node-es|clsx|react-number-format|react-textarea-autosize|use-composed-ref|use-latest|use-isomorphic-layout-effect",
    ),
  },
  { name: "query", test: node_modules("@tanstack/[^/]+") },
];

export default defineConfig({
  root: import.meta.dirname,
  plugins: [react(), precompress()],
  build: {
    outDir: join(import.meta.dirname, "dist"),
    emptyOutDir: true,
    // .vite/manifest.json: which files each screen loads (test/integration/web-delivery.test.ts
    // keeps the sign-in page and the customer screen within their budgets from it).
    manifest: true,
    // CARNET_WEB_MINIFY=0: readable names in a CPU profile (bench/web.ts BENCH_WEB_PROFILE).
    minify: process.env.CARNET_WEB_MINIFY !== "0",
    rolldownOptions: {
      output: {
        codeSplitting: {
          includeDependenciesRecursively: false,
          groups: VENDOR_GROUPS.map((group, i) => ({ ...group, priority: VENDOR_GROUPS.length - i })),
        },
      },
    },
  },
  server: { proxy: { "/api": `http://127.0.0.1:${process.env.PORT ?? 3000}` } },
});
