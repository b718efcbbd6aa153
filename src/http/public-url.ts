// Where the web app is reached from outside, for links in e-mails: CARNET_PUBLIC_URL. Without it
// only a loopback host (a server on one's own machine: the demo, the tests) is taken from the
// request; any other Host header is the caller's word, and a link built on it would send the
// reader (and the link's token) wherever the caller wants.
import type { FastifyBaseLogger, FastifyRequest } from "fastify";
import type { AppError } from "../domain/errors.js";

const LOOPBACK_HOST = /^(localhost|127\.0\.0\.1|\[::1\])(:\d+)?$/i;
const warned = new Set<string>();

/**
 * The base of links e-mailed for `purpose`; without CARNET_PUBLIC_URL and a loopback Host, logs once
 * per purpose and throws `unavailable` (nothing may be written or sent then).
 */
export function linkBase(
  req: FastifyRequest,
  log: FastifyBaseLogger,
  configured: string | undefined,
  purpose: string,
  unavailable: () => AppError,
): string {
  if (configured) return configured;
  if (LOOPBACK_HOST.test(req.host)) return `${req.protocol}://${req.host}`;
  if (!warned.has(purpose)) {
    warned.add(purpose);
    log.error(`${purpose} needs CARNET_PUBLIC_URL (the web app's address) to e-mail links`);
  }
  throw unavailable();
}
