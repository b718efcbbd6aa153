// How the web app and the API travel to a phone at the desk: hashed files compressed at build time
// and cached for a year, index.html asked for each time, large API answers compressed and the quick
// redeem's small one not, and the JavaScript of the first screens within their budgets (the
// compressed bytes a browser receives, from the build's own manifest).
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { brotliDecompressSync, gunzipSync } from "node:zlib";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildServer, WEB_DIST } from "../../src/http/server.js";
import { CACHE_IMMUTABLE, COMPRESS_MIN_BYTES } from "../../src/http/static-assets.js";
import { PROJECT_ROOT } from "../../src/paths.js";
import { type Api, startApi } from "../support/http.js";
import { type Scenario, scenario } from "../support/scenario.js";

/** Compressed JavaScript a browser receives to show each screen (the budgets). */
const SIGN_IN_BUDGET_BYTES = 250 * 1024;
const CUSTOMER_SCREEN_BUDGET_BYTES = 400 * 1024;

interface ManifestChunk {
  file: string;
  isEntry?: boolean;
  imports?: string[];
  dynamicImports?: string[];
  css?: string[];
}
type Manifest = Record<string, ManifestChunk>;

let s: Scenario;
let api: Api;
let web: FastifyInstance;
let manifest: Manifest;
let entry: string;

beforeAll(async () => {
  // The same step as `npm start` and the browser tests: builds web/dist when it is older than its
  // sources, and does nothing otherwise.
  const built = spawnSync(process.execPath, [join(PROJECT_ROOT, "scripts", "build-web.js")], {
    encoding: "utf8",
  });
  expect(built.status, built.stderr).toBe(0);
  s = await scenario();
  api = await startApi(s);
  web = await buildServer(s.app, { logger: false, secureCookies: false, demoLogins: null, webDir: WEB_DIST });
  const manifestPath = join(WEB_DIST, ".vite", "manifest.json");
  expect(existsSync(manifestPath), "the build writes .vite/manifest.json").toBe(true);
  manifest = JSON.parse(readFileSync(manifestPath, "utf8")) as Manifest;
  const key = Object.keys(manifest).find((k) => manifest[k]?.isEntry);
  if (!key) throw new Error("no entry in the manifest");
  entry = key;
}, 300_000);

afterAll(async () => {
  await web?.close();
  await api?.close();
  await s?.close();
});

/** Every chunk a screen needs before it shows: its own and what they import, not what they load later. */
function chunksFor(keys: string[]): string[] {
  const seen = new Set<string>();
  const visit = (key: string) => {
    if (seen.has(key)) return;
    seen.add(key);
    for (const imported of manifest[key]?.imports ?? []) visit(imported);
  };
  for (const key of keys) visit(key);
  return [...seen].map((key) => manifest[key]!.file);
}

/** The bytes the server sends a browser that accepts brotli (the .br file beside each). */
function brotliBytes(files: string[]): number {
  let total = 0;
  for (const file of files) {
    const path = join(WEB_DIST, file);
    total += existsSync(`${path}.br`) ? readFileSync(`${path}.br`).length : readFileSync(path).length;
  }
  return total;
}

const kb = (bytes: number) => `${Math.round(bytes / 102.4) / 10} KB`;

describe("the web app's files", () => {
  it("a hashed script is sent as its precompressed brotli or gzip file, whichever the browser accepts, cached for a year", async () => {
    const file = `/${manifest[entry]!.file}`;
    const original = readFileSync(join(WEB_DIST, file));
    expect(original.length).toBeGreaterThan(COMPRESS_MIN_BYTES);

    const br = await web.inject({
      method: "GET",
      url: file,
      headers: { "accept-encoding": "gzip, deflate, br, zstd" },
    });
    expect(br.statusCode).toBe(200);
    expect(br.headers["content-encoding"]).toBe("br");
    expect(String(br.headers["content-type"])).toMatch(/javascript/);
    expect(br.headers["cache-control"]).toBe(CACHE_IMMUTABLE);
    expect(String(br.headers.vary)).toMatch(/accept-encoding/i);
    expect(br.rawPayload.length).toBeLessThan(original.length / 2);
    expect(brotliDecompressSync(br.rawPayload).equals(original)).toBe(true);

    const gz = await web.inject({ method: "GET", url: file, headers: { "accept-encoding": "gzip" } });
    expect(gz.headers["content-encoding"]).toBe("gzip");
    expect(gz.headers["cache-control"]).toBe(CACHE_IMMUTABLE);
    expect(gunzipSync(gz.rawPayload).equals(original)).toBe(true);

    const plain = await web.inject({ method: "GET", url: file });
    expect(plain.headers["content-encoding"]).toBeUndefined();
    expect(plain.headers["cache-control"]).toBe(CACHE_IMMUTABLE);
    expect(plain.rawPayload.equals(original)).toBe(true);
  });

  it("the stylesheet is compressed and cached for a year too", async () => {
    const css = manifest[entry]?.css ?? [];
    expect(css.length).toBeGreaterThan(0);
    const res = await web.inject({ method: "GET", url: `/${css[0]}`, headers: { "accept-encoding": "br" } });
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-encoding"]).toBe("br");
    expect(res.headers["cache-control"]).toBe(CACHE_IMMUTABLE);
  });

  it.each(["/", "/customers/some-customer", "/calendar"])(
    "%s is index.html, compressed, and asked for again each time (no-cache): it names the current build's files",
    async (url) => {
      const res = await web.inject({ method: "GET", url, headers: { "accept-encoding": "br, gzip" } });
      expect(res.statusCode).toBe(200);
      expect(String(res.headers["content-type"])).toMatch(/text\/html/);
      expect(res.headers["cache-control"]).toBe("no-cache");
      const html =
        res.headers["content-encoding"] === "br" ? brotliDecompressSync(res.rawPayload) : res.rawPayload;
      expect(html.toString()).toContain(manifest[entry]!.file);
    },
  );

  it("a file of an older build is a 404, not the app's page in place of a script", async () => {
    const res = await web.inject({ method: "GET", url: "/assets/index-0ld8u1ld.js" });
    expect(res.statusCode).toBe(404);
    expect(res.headers["cache-control"]).not.toBe(CACHE_IMMUTABLE);
  });
});

describe("API answers", () => {
  it("a large JSON answer is compressed when the client accepts it, and the same JSON when it does not", async () => {
    const br = await web.inject({
      method: "GET",
      url: "/api/openapi.json",
      headers: { "accept-encoding": "br, gzip" },
    });
    expect(br.statusCode).toBe(200);
    expect(br.headers["content-encoding"]).toBe("br");
    const plain = await web.inject({ method: "GET", url: "/api/openapi.json" });
    expect(plain.headers["content-encoding"]).toBeUndefined();
    expect(brotliDecompressSync(br.rawPayload).toString()).toBe(plain.body);
    expect(br.rawPayload.length).toBeLessThan(plain.rawPayload.length / 3);

    const gz = await web.inject({
      method: "GET",
      url: "/api/openapi.json",
      headers: { "accept-encoding": "gzip" },
    });
    expect(gz.headers["content-encoding"]).toBe("gzip");
    expect(gunzipSync(gz.rawPayload).toString()).toBe(plain.body);
  });

  it("a staff list larger than a packet is compressed for a signed-in client", async () => {
    for (let i = 0; i < 20; i++) await s.customer(`Compressed Customer ${i}`);
    const res = await api.call("owner", "GET", "/api/v1/customers?limit=50", undefined, {
      "accept-encoding": "br",
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-encoding"]).toBe("br");
    const json = JSON.parse(brotliDecompressSync(res.rawPayload).toString()) as { items: unknown[] };
    expect(json.items.length).toBeGreaterThanOrEqual(20);
  });

  it("the quick redeem's small answer is sent as it is: compressing it would only cost time", async () => {
    const template = await s.template({ items: [{ itemId: s.items.manicure, quantity: 5 }] });
    const sold = await s.sold(template);
    const res = await api.call(
      "front_desk",
      "POST",
      `/api/v1/packages/${sold.packageId}/lines/${sold.lineId}/redeem`,
      { quantity: 1 },
      { "accept-encoding": "gzip, deflate, br, zstd", "idempotency-key": `web-delivery-${sold.lineId}` },
    );
    expect(res.statusCode, res.body).toBeLessThan(300);
    expect(res.headers["content-encoding"]).toBeUndefined();
    expect(res.rawPayload.length).toBeLessThan(COMPRESS_MIN_BYTES);
  });
});

describe("JavaScript budgets, from the build's manifest", () => {
  it("the sign-in page needs at most 250 KB of compressed JavaScript, and nothing of the calendar", () => {
    const files = chunksFor([entry]).filter((f) => f.endsWith(".js"));
    const bytes = brotliBytes(files);
    expect(bytes, `sign-in page: ${kb(bytes)} in ${files.join(", ")}`).toBeLessThanOrEqual(
      SIGN_IN_BUDGET_BYTES,
    );
    for (const file of files)
      expect(readFileSync(join(WEB_DIST, file), "utf8"), `${file} holds react-big-calendar`).not.toContain(
        "rbc-calendar",
      );
  });

  it("the customer screen (list and profile, with the shell) needs at most 400 KB", () => {
    const screens = [
      "src/shell/Layout.tsx",
      "src/customers/CustomerSearch.tsx",
      "src/customers/CustomerProfile.tsx",
    ];
    for (const screen of screens) expect(manifest[screen], `${screen} is a chunk of its own`).toBeDefined();
    const files = chunksFor([entry, ...screens]).filter((f) => f.endsWith(".js"));
    const bytes = brotliBytes(files);
    expect(bytes, `customer screen: ${kb(bytes)} in ${files.join(", ")}`).toBeLessThanOrEqual(
      CUSTOMER_SCREEN_BUDGET_BYTES,
    );
  });

  it("every screen is loaded when first shown, not with the sign-in page", () => {
    const first = new Set(chunksFor([entry]));
    for (const screen of [
      "src/calendar/CalendarPage.tsx",
      "src/till/TicketPage.tsx",
      "src/catalog/CatalogPage.tsx",
    ]) {
      expect(manifest[screen], `${screen} is a chunk of its own`).toBeDefined();
      expect(first.has(manifest[screen]!.file), `${screen} loads with the sign-in page`).toBe(false);
    }
  });
});
