// How answers travel: compressed when the browser asks for it (Accept-Encoding), and the staff web
// app's files (web/dist) cached as long as they can be.
// - The app's files were compressed once at build time (web/vite.config.ts writes name.br and
//   name.gz beside each file); the server picks the one the browser accepts and sends it as it is.
// - API answers are compressed as they go, from COMPRESS_MIN_BYTES on: the quick redeem's small
//   JSON answer stays as it is, since compressing it would cost more time than it saves.
// - Files under /assets/ have the hash of their content in their name: a new build makes new names,
//   so a browser may keep them for a year without asking again. index.html (and every page of the
//   app, which is index.html) names the current files: the browser asks each time (no-cache; it
//   gets a 304 when nothing changed).
import { relative, sep } from "node:path";
import fastifyCompress from "@fastify/compress";
import fastifyStatic from "@fastify/static";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";

export const CACHE_IMMUTABLE = "public, max-age=31536000, immutable";
export const CACHE_REVALIDATE = "no-cache";

/**
 * Below this an answer fits in one network packet either way; compressing it costs time and saves
 * no round trip. A quick redeem's answer is well under it.
 */
export const COMPRESS_MIN_BYTES = 1400;

/**
 * What is compressed on the fly: JSON (the API, the OpenAPI document), and the text files the app
 * and the API docs page are made of when no precompressed copy is there. Not CSV (an export's
 * download is streamed as the database sends it; compressing tens of megabytes would take the
 * server's CPU from everyone else) and not Server-Sent Events (each event must leave at once).
 */
const COMPRESSIBLE = /^(application\/(json|javascript)|text\/(html|css|javascript|plain)|image\/svg\+xml)\b/;

/** Before the routes are declared: the plugin hooks every route declared after it. */
export async function registerCompression(server: FastifyInstance): Promise<void> {
  await server.register(fastifyCompress, {
    encodings: ["br", "gzip"],
    threshold: COMPRESS_MIN_BYTES,
    customTypes: COMPRESSIBLE,
    // Request bodies are small JSON; no client sends them compressed.
    globalDecompression: false,
  });
}

const ASSETS_PREFIX = "/assets/";

/**
 * The built web app at /, its hashed files under /assets/. The folder may not be there yet: `npm
 * start` builds it while the server starts (scripts/build-web.js), and it is served once it is.
 */
export async function registerWebApp(server: FastifyInstance, webDir: string): Promise<void> {
  await server.register(fastifyStatic, {
    root: webDir,
    suppressWarning: true,
    prefix: "/",
    wildcard: true,
    preCompressed: true,
    cacheControl: false,
    setHeaders(reply, path) {
      const hashed = `${sep}${relative(webDir, path)}`.startsWith(`${sep}assets${sep}`);
      reply.header("cache-control", hashed ? CACHE_IMMUTABLE : CACHE_REVALIDATE);
    },
  });
}

/**
 * The web app routes on the client: a page the server does not know is index.html. Not a missing
 * file under /assets/: a tab opened before an update asking for a file of the old build gets a
 * 404 (and reloads, web/src/App.tsx), not a page of HTML in place of a script.
 */
export function isWebAppPage(request: FastifyRequest): boolean {
  return (
    request.method === "GET" && !request.url.startsWith("/api/") && !request.url.startsWith(ASSETS_PREFIX)
  );
}

export function sendWebAppPage(reply: FastifyReply, webDir: string): FastifyReply {
  return reply.sendFile("index.html", webDir);
}
