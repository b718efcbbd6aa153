// One error type for every outcome a caller must handle. The kind decides the HTTP status (in
// src/http/errors.ts, the only place that knows HTTP); the code is a stable snake_case string the
// API documents and the web app translates.
export type ErrorKind =
  | "invalid"
  | "unprocessable"
  | "not_found"
  | "conflict"
  | "forbidden"
  | "unauthenticated"
  | "rate_limited"
  | "unavailable";

export class AppError extends Error {
  constructor(
    readonly kind: ErrorKind,
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = "AppError";
  }
}

export const invalid = (code: string, message: string, field?: string) =>
  new AppError("invalid", code, message, field);
export const notFound = (what: string, field?: string) =>
  new AppError("not_found", `${what}_not_found`, `No such ${what.replaceAll("_", " ")}.`, field);
export const conflict = (code: string, message: string, field?: string) =>
  new AppError("conflict", code, message, field);
export const forbidden = (message = "Your role may not do this.") =>
  new AppError("forbidden", "forbidden", message);

/** A refusal for going too fast: the caller may try again after this many seconds (Retry-After). */
export class RateLimited extends AppError {
  constructor(
    code: string,
    message: string,
    readonly retryAfterSeconds: number,
    field?: string,
  ) {
    super("rate_limited", code, message, field);
  }
}
