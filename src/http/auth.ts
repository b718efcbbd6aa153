// Who is calling: a session cookie (the web app) or a bearer token (integrations). Cookie-
// authenticated writes must also send the session's CSRF token in the X-CSRF-Token header.
import { timingSafeEqual } from "node:crypto";
import type {} from "@fastify/cookie";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { App, Ctx } from "../app/context.js";
import { type Authenticated, authenticateSession } from "../app/sign-in.js";
import { authenticateToken } from "../app/staff/api-tokens.js";
import { AppError } from "../domain/errors.js";

export const SESSION_COOKIE = "carnet_session";

declare module "fastify" {
  interface FastifyRequest {
    auth: Authenticated | null;
  }
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);
const PUBLIC_PREFIXES = [
  "/api/v1/auth/sign-in",
  "/api/v1/auth/demo-logins",
  "/api/v1/setup",
  "/api/v1/public/",
  "/api/v1/health",
  // W4: a calendar program fetches a private feed by its token alone
  "/api/v1/feeds/",
];

/**
 * Routes that answer a caller nobody signed in as well (the web app's "who is signed in?" on its first
 * load): a missing or ended session leaves `request.auth` null instead of a 401, which the browser
 * would log as an error on every signed-out page.
 */
const OPTIONAL_AUTH = new Set(["/api/v1/auth/session"]);

export const unauthenticated = () => new AppError("unauthenticated", "unauthenticated", "Sign in first.");

function sameSecret(a: string, b: string) {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

// A bearer token is looked up in the database on every request, like a session: revoking a token or
// deactivating its maker refuses the next request on every server process at once. (A per-process
// cache of a few seconds saved one round trip of the quick redeem, but a revoked token then kept
// working on the other processes until their copies aged out.)
export function registerAuth(server: FastifyInstance, app: App) {
  server.decorateRequest("auth", null);
  server.addHook("onRequest", async (request: FastifyRequest) => {
    const url = request.url;
    if (!url.startsWith("/api/v1/") || PUBLIC_PREFIXES.some((p) => url.startsWith(p))) return;
    const header = request.headers.authorization;
    if (header !== undefined) {
      const match = /^Bearer\s+(\S{10,200})$/i.exec(header);
      const auth = match?.[1] ? await authenticateToken(app, match[1]) : null;
      if (!auth) throw unauthenticated();
      request.auth = auth;
      return;
    }
    const cookie = request.cookies[SESSION_COOKIE];
    const auth = cookie && cookie.length <= 200 ? await authenticateSession(app, cookie) : null;
    if (!auth && (request.method === "GET" || request.method === "HEAD") && OPTIONAL_AUTH.has(url)) return;
    if (!auth) throw unauthenticated();
    if (!SAFE_METHODS.has(request.method)) {
      const sent = request.headers["x-csrf-token"];
      if (typeof sent !== "string" || !auth.csrfToken || !sameSecret(sent, auth.csrfToken)) {
        throw new AppError(
          "forbidden",
          "csrf_failed",
          "The request lacks this session's CSRF token; reload the page.",
        );
      }
    }
    request.auth = auth;
  });
}

export function ctxOf(app: App, request: FastifyRequest): Ctx {
  if (!request.auth) throw unauthenticated();
  return { database: app.database, replica: app.replica, clock: app.clock, actor: request.auth.actor };
}

export function cookieOptions(request: FastifyRequest, secureCookies: boolean, expires?: Date) {
  return {
    path: "/",
    httpOnly: true,
    sameSite: "strict" as const,
    secure: secureCookies || request.protocol === "https",
    ...(expires ? { expires } : {}),
  };
}

export type Reply = FastifyReply;
