// The web app's only door to the server: JSON in and out, the session's CSRF token on every write, a
// fresh Idempotency-Key per user action (a double click or a retry never redeems twice), and every
// error turned into plain words from its stable code.

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

const PLAIN_WORDS: Record<string, string> = {
  insufficient_credits: "There are not enough credits left on this package.",
  package_expired: "This package has expired; its credits cannot be used.",
  package_refunded: "This package was refunded; its credits cannot be used.",
  package_not_valid_at_location: "This package cannot be used at this location.",
  package_not_yet_valid: "The package was bought after this service.",
  no_eligible_package: "The customer has no active package with credits for this item.",
  already_undone: "This redemption was already undone.",
  movement_not_undoable: "This entry cannot be undone.",
  reservation_already_resolved: "This booking's credit was already used or released.",
  package_used: "This package has been used, and the business does not refund used packages.",
  package_has_bookings: "Cancel or complete the bookings on this package first.",
  expiry_not_later: "The new expiry date must be later than the current one.",
  expiry_in_past: "The new expiry date has already passed.",
  package_never_expires: "This package never expires.",
  reason_required: "Please give a reason.",
  template_retired: "This package is no longer sold.",
  template_not_priced_in_currency: "This package has no price in this location's currency; enter a price.",
  invalid_credentials: "E-mail or password is wrong.",
  item_inactive: "This item is archived: restore it in the Catalog first.",
  course_single_item: "A course is a number of one service; choose Package for several items.",
  items_required: "Add at least one item.",
  duplicate_item: "Each item appears once; raise its number of credits instead.",
  validity_count_required: "Say how many days or months it is valid.",
  validity_date_required: "Give the date it expires.",
  invalid_time_zone: "Choose a time zone from the list.",
  invalid_currency: "Choose a currency from the list.",
  no_active_membership: "This account no longer works for any business on Carnet.",
  first_run_over: "This Carnet already has a business. Sign in instead.",
  sign_up_closed: "Sign-up is not open on this Carnet.",
  too_many_sign_ups: "Too many sign-ups from this network. Try again in an hour.",
  too_many_sign_ups_for_email: "Too many sign-up links for this e-mail today. Try again tomorrow.",
  too_many_password_resets: "Too many password reset requests from this network. Try again in an hour.",
  too_many_password_resets_for_email: "Too many reset links for this e-mail. Try again in an hour.",
  password_too_short: "Choose a password of at least 10 characters.",
  already_staff: "This e-mail address is already on your staff.",
  already_invited: "This e-mail address is already invited. Resend or cancel that invitation.",
  links_unavailable: "E-mails with links cannot be sent right now (CARNET_PUBLIC_URL is not set).",
  session_required: "Sign in again to do this.",
  unauthenticated: "Your session has ended. Please sign in again.",
  forbidden: "Your role may not do this.",
  csrf_failed: "The page is out of date. Reload it and try again.",
  idempotency_key_reused: "This action was already sent with different details. Please try again.",
  concurrent_update: "Someone changed this at the same moment. Please try again.",
  database_unavailable: "Carnet cannot reach its database right now. Try again in a moment.",
  balance_not_found: "This balance link is not valid.",
  internal_error: "Something went wrong on our side. Please try again.",
};

export function plainWords(error: unknown): string {
  if (error instanceof ApiError) {
    if (PLAIN_WORDS[error.code]) return PLAIN_WORDS[error.code]!;
    if (error.code.endsWith("_not_found"))
      return `${error.code.replace(/_not_found$/, "").replaceAll("_", " ")} not found.`.replace(/^./, (c) =>
        c.toUpperCase(),
      );
    return error.message;
  }
  if (error instanceof TypeError) return "Carnet cannot be reached. Check the connection and try again.";
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
