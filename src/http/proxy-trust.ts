// Whose X-Forwarded-For the server believes, which decides request.ip (what the sign-in limits
// count) and request.protocol (whether the session cookie is Secure).
import type { TrustProxy } from "../config.js";

type FastifyTrustProxy = false | string[] | ((address: string, hop: number) => boolean);

/**
 * A list is handed to Fastify (proxy-addr checks each hop's address against it). Fastify 5 fails
 * closed on a bare number, believing no hop at all, so every client behind the proxy would look
 * like the proxy and share one address's limits: a hop count is given as a function instead. It
 * believes the last `hops` entries whoever sent them, which is right only when clients cannot reach
 * Carnet except through those proxies; otherwise list the proxies' addresses.
 */
export function fastifyTrustProxy(trust: TrustProxy | undefined): FastifyTrustProxy {
  if (trust === undefined || trust === false) return false;
  if (typeof trust === "number") return (_address, hop) => hop < trust;
  return trust;
}
