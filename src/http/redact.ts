// Tokens in URLs are keys: a customer's balance link (R4) and an online booking's confirmation
// link (A10). Whoever reads a log line must not be able to open them, so the request serializer
// (every request line, and the error lines that carry the request) writes such paths with the token
// replaced, and the error serializer does the same in messages and stacks. A path is matched as the
// router would read it (percent-decoded), so an encoded spelling does not slip through; any other
// segment that looks like a token (40 or more URL-safe characters; ids are 36) is replaced too.
import type { FastifyRequest } from "fastify";
import pino from "pino";

export const REDACTED = "[redacted]";
/** path segments followed by a token, in the API and in the web app's pages */
const BEFORE_TOKEN = new Set([
  "balance",
  "booking-requests",
  "confirm-booking",
  // O1, O2: invitation, sign-up and password links, in the API and in the web app
  "invites",
  "invite",
  "sign-ups",
  "sign-up",
  "password-resets",
  "reset-password",
  // W4: a private calendar feed, /api/v1/feeds/<token>.ics
  "feeds",
]);
const TOKEN_LIKE = /^[A-Za-z0-9_-]{40,}$/;
const TOKENS_IN_TEXT = /[A-Za-z0-9_-]{40,}/g;

function decoded(text: string): string {
  let current = text;
  for (let i = 0; i < 3; i++) {
    let next: string;
    try {
      next = decodeURIComponent(current);
    } catch {
      return current;
    }
    if (next === current) return current;
    current = next;
  }
  return current;
}

/** The URL to log: as sent, unless a token is in it; then decoded, with every token replaced. */
export function redactUrl(url: string): string {
  const q = url.indexOf("?");
  const path = q < 0 ? url : url.slice(0, q);
  const query = q < 0 ? "" : url.slice(q);
  let changed = false;
  const segments = decoded(path)
    .split("/")
    .map((segment, i, all) => {
      if (segment && (BEFORE_TOKEN.has((all[i - 1] ?? "").toLowerCase()) || TOKEN_LIKE.test(segment))) {
        changed = true;
        return REDACTED;
      }
      return segment;
    });
  const safeQuery = decoded(query).replace(TOKENS_IN_TEXT, REDACTED);
  if (!changed && safeQuery === decoded(query)) return url;
  return segments.join("/") + safeQuery;
}

/** Any text that may quote a URL: token paths and token-like words replaced. */
export function redactText(text: string): string {
  return text
    .replace(
      /\S*\/(?:balance|booking-requests|confirm-booking|invites?|sign-ups?|password-resets|reset-password|feeds)\/\S*/gi,
      (m) => redactUrl(m),
    )
    .replace(TOKENS_IN_TEXT, REDACTED);
}

const redactingSerializers = {
  req(req: FastifyRequest) {
    return {
      method: req.method,
      url: redactUrl(req.url),
      version: req.headers?.["accept-version"],
      host: req.host,
      remoteAddress: req.ip,
      remotePort: req.socket?.remotePort,
    };
  },
  err: redactedError,
  error: redactedError,
};

function redactedError(error: unknown) {
  if (!(error instanceof Error)) return typeof error === "string" ? redactText(error) : error;
  const e = pino.stdSerializers.err(error);
  return {
    ...e,
    message: redactText(e.message ?? ""),
    ...(e.stack ? { stack: redactText(e.stack) } : {}),
  };
}

/** Fastify's logger option with the redacting serializers (over any the caller gave). */
export function redactingLogger(logger: boolean | object): boolean | object {
  if (logger === false) return false;
  const options = logger === true ? {} : (logger as { serializers?: object });
  return { ...options, serializers: { ...options.serializers, ...redactingSerializers } };
}
