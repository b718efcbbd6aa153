// The web app's only door to the server: JSON in and out, the session's CSRF token on every write, a
// fresh Idempotency-Key per user action (a double click or a retry never redeems twice), and every
// error turned into words from its stable code.

import { errorWords, offlineWords } from "./i18n/error-words.js";

let csrfToken: string | null = null;
export const setCsrfToken = (token: string | null) => {
  csrfToken = token;
};

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

/** The error in the screen's language, from its code (U2; the words are in locales/<language>/errors.json). */
export function plainWords(error: unknown): string {
  if (error instanceof ApiError) return errorWords(error);
  if (error instanceof TypeError) return offlineWords();
  return error instanceof Error ? error.message : String(error);
}

const newKey = () => crypto.randomUUID();

/** The session's CSRF header, for a write sent outside `request` (an upload that shows progress). */
export const csrfHeader = (): Record<string, string> => (csrfToken ? { "x-csrf-token": csrfToken } : {});

async function request<T>(
  method: string,
  path: string,
  body?: unknown,
  options: { idempotent?: boolean } = {},
): Promise<T> {
  const headers: Record<string, string> = { accept: "application/json" };
  if (body !== undefined) headers["content-type"] = "application/json";
  if (method !== "GET" && csrfToken) headers["x-csrf-token"] = csrfToken;
  if (method !== "GET" && options.idempotent !== false) headers["idempotency-key"] = newKey();
  const response = await fetch(path, {
    method,
    headers,
    credentials: "same-origin",
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await response.text();
  const data = text ? JSON.parse(text) : null;
  if (!response.ok) {
    const e = data?.error ?? {};
    throw new ApiError(
      response.status,
      e.code ?? "internal_error",
      e.message ?? response.statusText,
      e.field,
    );
  }
  return data as T;
}

export const api = {
  get: <T>(path: string) => request<T>("GET", path),
  post: <T>(path: string, body: unknown = {}) => request<T>("POST", path, body),
  patch: <T>(path: string, body: unknown) => request<T>("PATCH", path, body),
  put: <T>(path: string, body: unknown) => request<T>("PUT", path, body),
  del: <T>(path: string) => request<T>("DELETE", path),
  /** a write that is not a business action (sign-in): no idempotency key */
  plainPost: <T>(path: string, body: unknown = {}) => request<T>("POST", path, body, { idempotent: false }),
};

export function query(params: Record<string, string | number | undefined | null>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params))
    if (v !== undefined && v !== null && v !== "") q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : "";
}

/** Waits for `work`, or `ms` at most (it goes on after that, unwaited). Never throws. */
export function soonest(work: Promise<unknown>, ms: number): Promise<void> {
  return new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    work.then(
      () => {
        clearTimeout(timer);
        resolve();
      },
      () => {
        clearTimeout(timer);
        resolve();
      },
    );
  });
}
