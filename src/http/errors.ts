// The one place where outcomes become HTTP statuses. Every error body is
// { "error": { "code", "message", "field"? } } with a stable snake_case code.
import type { FastifyError, FastifyReply, FastifyRequest } from "fastify";
import { hasZodFastifySchemaValidationErrors } from "fastify-type-provider-zod";
import { LOST_CONNECTION } from "../db/database.js";
import { AppError, type ErrorKind } from "../domain/errors.js";

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

/** Database errors that are the caller's fault or a passing outage, never a 500. */
function fromDatabase(error: { code?: string; message?: string }): AppError | null {
  const code = error.code ?? "";
  // 22021/22P05: a NUL or untranslatable character in a text (PostgreSQL text cannot hold U+0000).
  if (["22P02", "22007", "22008", "22003", "22001", "22023", "2201X", "22021", "22P05"].includes(code)) {
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

export function handleError(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  if (hasZodFastifySchemaValidationErrors(error)) {
    const issue = error.validation[0];
    const path = (issue?.instancePath ?? "").replace(/^\//, "").replaceAll("/", ".");
    const context = error.validationContext ?? "body";
    const field = path ? (context === "body" ? path : `${context}.${path}`) : context;
    const message = issue?.message ?? "Invalid request.";
    return reply.status(400).send(errorBody("invalid_input", `${field}: ${message}`, field));
  }
  const app = toAppError(error);
  if (app) return reply.status(statusOf(app)).send(errorBody(app.code, app.message, app.field));
  if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
    // Fastify's own refusals: malformed JSON, body too large, wrong content type.
    const code = (error.code ?? "bad_request").replace(/^FST_ERR_/, "").toLowerCase();
    return reply.status(error.statusCode).send(errorBody(code, error.message));
  }
  request.log.error({ err: error }, "unexpected error");
  return reply.status(500).send(errorBody("internal_error", "Something went wrong on our side."));
}
