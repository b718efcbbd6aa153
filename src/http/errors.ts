// The one place where outcomes become HTTP statuses. Every error body is
// { "error": { "code", "message", "field"? } } with a stable snake_case code from a closed list:
// the use cases' AppError codes, and for refusals of the framework and of Node's HTTP parser the
// codes of FRAMEWORK_CODES and BY_STATUS below. No framework-internal code ever reaches a client.
import { STATUS_CODES } from "node:http";
import type { FastifyError, FastifyReply, FastifyRequest, RouteOptions } from "fastify";
import { hasZodFastifySchemaValidationErrors } from "fastify-type-provider-zod";
import { z } from "zod";
import { LOST_CONNECTION } from "../db/database.js";
import { loggableError } from "../db/loggable-error.js";
import { AppError, type ErrorKind, RateLimited } from "../domain/errors.js";
import { problem } from "./schemas.js";

const STATUS: Record<ErrorKind, number> = {
  invalid: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  unprocessable: 422,
  rate_limited: 429,
  unavailable: 503,
};

export interface ErrorBody {
  error: { code: string; message: string; field?: string };
}

export function errorBody(code: string, message: string, field?: string): ErrorBody {
  return { error: { code, message, ...(field ? { field } : {}) } };
}

/** RFC 9457: the same refusal as a problem document; `code` and `field` are extension members. */
export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  field?: string;
}

export const PROBLEM_JSON = "application/problem+json";
/** Each code's problem type: a stable URI that names it (RFC 9457 §3.1.1); not meant to be fetched. */
export const PROBLEM_TYPE_BASE = "https://carnet.example/problems/";

export function problemBody(status: number, code: string, message: string, field?: string): ProblemBody {
  return {
    type: `${PROBLEM_TYPE_BASE}${code}`,
    title: STATUS_CODES[status] ?? "Error",
    status,
    detail: message,
    code,
    ...(field ? { field } : {}),
  };
}

/**
 * Whether the client asked for problem documents: its Accept lists application/problem+json with a
 * weight above 0. Everyone else keeps Carnet's `{ error }` body.
 */
export function wantsProblem(request: Pick<FastifyRequest, "headers">): boolean {
  const accept = request.headers.accept;
  if (!accept?.includes(PROBLEM_JSON)) return false;
  return accept.split(",").some((range) => {
    const [type, ...params] = range.split(";").map((part) => part.trim().toLowerCase());
    if (type !== PROBLEM_JSON) return false;
    const q = params.find((p) => p.startsWith("q="));
    return q === undefined || Number(q.slice(2)) > 0;
  });
}

/**
 * An onRoute hook: an answer declared without words is named by its status ("Created"), and each
 * refusal a route declares with one body (a zod schema at a 4xx or 5xx status)
 * is declared with both, the `{ error }` body as application/json and the problem document as
 * application/problem+json. The document then shows both, and the serializer picks the schema by
 * the content type sendRefusal set.
 */
export function withProblemDocuments(route: RouteOptions) {
  const response = (route.schema as { response?: Record<string, unknown> } | undefined)?.response;
  if (!response) return;
  for (const [status, body] of Object.entries(response)) {
    if (!(body instanceof z.ZodType)) continue;
    if (!/^[45]/.test(status)) {
      // The document names an answer by its schema's description, else "Default Response".
      if (!body.description) response[status] = body.describe(STATUS_CODES[Number(status)] ?? "Answer");
      continue;
    }
    response[status] = {
      description: body.description ?? STATUS_CODES[Number(status)] ?? "Refused",
      content: {
        "application/json": { schema: body },
        [PROBLEM_JSON]: { schema: body.description ? problem.describe(body.description) : problem },
      },
    };
  }
}

/** Sends a refusal in the shape the client asked for (see wantsProblem). */
export function sendRefusal(
  request: FastifyRequest,
  reply: FastifyReply,
  status: number,
  code: string,
  message: string,
  field?: string,
) {
  if (wantsProblem(request)) {
    return reply
      .status(status)
      .header("content-type", `${PROBLEM_JSON}; charset=utf-8`)
      .send(problemBody(status, code, message, field));
  }
  return reply.status(status).send(errorBody(code, message, field));
}

// Data exceptions a value sent by the caller can cause (SQLSTATE class 22): a malformed or
// out-of-range number, date, time zone displacement or interval, a text too long, a NUL or an
// untranslatable character (PostgreSQL text cannot hold U+0000). The request schemas refuse these
// first, naming the field; this is the net under them. A 22 that only a bug of ours can cause
// (division by zero) stays a 500.
const CALLERS_DATA_EXCEPTIONS = new Set([
  "22P02",
  "22007",
  "22008",
  "22009",
  "22015",
  "22003",
  "22001",
  "22023",
  "2201X",
  "22021",
  "22P05",
]);

/** Database errors that are the caller's fault or a passing outage, never a 500. */
function fromDatabase(error: { code?: string; message?: string }): AppError | null {
  const code = error.code ?? "";
  if (CALLERS_DATA_EXCEPTIONS.has(code)) {
    return new AppError("invalid", "invalid_input", "A value is not of the expected form or range.");
  }
  if (code === "23503")
    return new AppError("not_found", "unknown_reference", "A referenced record does not exist.");
  if (code === "23505") return new AppError("conflict", "already_exists", "This record already exists.");
  if (code === "23514" && error.message?.includes("remaining_non_negative")) {
    return new AppError("conflict", "insufficient_credits", "Not enough credits left.");
  }
  if (code === "40001" || code === "40P01") {
    return new AppError(
      "conflict",
      "concurrent_update",
      "Another change happened at the same time; try again.",
    );
  }
  if (
    code.startsWith("08") ||
    code === "57P01" ||
    code === "3D000" ||
    code === "57P03" ||
    code === "57014" ||
    ["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE"].includes(code) ||
    /timeout exceeded when trying to connect/i.test(error.message ?? "") ||
    LOST_CONNECTION.test(error.message ?? "")
  ) {
    return new AppError(
      "unavailable",
      "database_unavailable",
      "The database cannot be reached; try again shortly.",
    );
  }
  return null;
}

export function toAppError(error: unknown): AppError | null {
  if (error instanceof AppError) return error;
  return fromDatabase(error as { code?: string; message?: string });
}

export function statusOf(error: AppError): number {
  return STATUS[error.kind];
}

interface Refusal {
  status: number;
  code: string;
  message: string;
}

/** Fastify's own refusals that say more than their status. */
const FRAMEWORK_CODES: Record<string, Omit<Refusal, "status">> = {
  FST_ERR_CTP_INVALID_JSON_BODY: { code: "invalid_json", message: "The body is not valid JSON." },
  FST_ERR_CTP_EMPTY_JSON_BODY: {
    code: "invalid_json",
    message: "The body is empty but its Content-Type says JSON.",
  },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: {
    code: "invalid_content_length",
    message: "The body's size does not match its Content-Length.",
  },
  FST_ERR_BAD_URL: { code: "malformed_url", message: "The URL is not correctly encoded." },
};

/** Every other refusal of the framework, of its plugins or of Node's HTTP parser, by status. */
const BY_STATUS: Record<number, Omit<Refusal, "status">> = {
  400: { code: "bad_request", message: "The request is malformed." },
  404: { code: "route_not_found", message: "No such route." },
  405: { code: "method_not_allowed", message: "This route does not take that method." },
  406: { code: "not_acceptable", message: "No answer in an accepted format." },
  408: { code: "request_timeout", message: "The request took too long to arrive." },
  411: { code: "length_required", message: "The body needs a Content-Length." },
  413: { code: "payload_too_large", message: "The body is larger than this server accepts." },
  414: { code: "uri_too_long", message: "The URL or one of its parts is too long." },
  415: { code: "unsupported_media_type", message: "Send the body as application/json." },
  416: { code: "range_not_satisfiable", message: "The requested range is outside the file." },
  431: { code: "headers_too_large", message: "The request's headers are too large." },
};

/** A 4xx of the framework in Carnet's terms; its own words and codes stay inside. */
export function frameworkRefusal(error: { code?: string; statusCode?: number }): Refusal {
  const status =
    error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 400;
  const known = (error.code && FRAMEWORK_CODES[error.code]) || BY_STATUS[status] || BY_STATUS[400]!;
  return { status, ...known };
}

/** The raw answer for a connection Node's HTTP parser gave up on: a timeout, bad HTTP, huge headers. */
export function clientErrorResponse(error: { code?: string }): string {
  const status =
    error.code === "ERR_HTTP_REQUEST_TIMEOUT" ? 408 : error.code === "HPE_HEADER_OVERFLOW" ? 431 : 400;
  const { code, message } = BY_STATUS[status]!;
  const body = JSON.stringify(errorBody(code, message));
  return (
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\n` +
    `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`
  );
}

export function handleError(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  if (hasZodFastifySchemaValidationErrors(error)) {
    const issue = error.validation[0];
    const path = (issue?.instancePath ?? "").replace(/^\//, "").replaceAll("/", ".");
    const context = error.validationContext ?? "body";
    const field = path ? (context === "body" ? path : `${context}.${path}`) : context;
    const message = issue?.message ?? "Invalid request.";
    return sendRefusal(request, reply, 400, "invalid_input", `${field}: ${message}`, field);
  }
  const app = toAppError(error);
  if (app) {
    if (app instanceof RateLimited) reply.header("retry-after", String(app.retryAfterSeconds));
    return sendRefusal(request, reply, statusOf(app), app.code, app.message, app.field);
  }
  if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
    const refusal = frameworkRefusal(error);
    return sendRefusal(request, reply, refusal.status, refusal.code, refusal.message);
  }
  request.log.error(
    { error: loggableError(error), route: `${request.method} ${request.routeOptions.url ?? "(no route)"}` },
    "unexpected error",
  );
  return sendRefusal(request, reply, 500, "internal_error", "Something went wrong on our side.");
}
