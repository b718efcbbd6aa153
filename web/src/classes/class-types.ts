// The shapes of the classes API (GET /api/v1/class-sessions, /:id, /api/v1/class-reviews).
import { ApiError, plainWords } from "../api.js";

export type PaymentState = "package_used" | "available_in_package" | "paid" | "price";

export interface RosterEntry {
  id: string;
  customer: { id: string; name: string };
  channel: "in_store" | "online";
  status: "enrolled" | "cancelled" | "no_show";
  review: string | null;
  ticketId: string | null;
  payment: {
    state: PaymentState;
    label: string;
    priceMinor: number;
    packageName: string | null;
    sessions: string | null;
    package: null | {
      packageId: string;
      lineId: string;
      total: number;
      used: number;
      booked: number;
      remaining: number;
    };
  };
}

export interface ClassSession {
  id: string;
  locationId: string;
  itemId: string;
  name: string;
  instructor: { id: string; name: string };
  startAt: string;
  endAt: string;
  capacity: number;
  enrolled: number;
  status: "scheduled" | "cancelled";
  currency: string;
  priceMinor: number;
  roster: RosterEntry[];
}

export interface ReviewEntry {
  enrolmentId: string;
  sessionId: string;
  customerName: string;
  className: string;
  startAt: string;
  locationId: string;
  timeZone: string;
}

export type ShownStatus = "scheduled" | "cancelled" | "ended";

/** What the schedule shows: a scheduled session whose end has passed has ended. */
export function shownStatus(s: ClassSession, now = Date.now()): ShownStatus {
  if (s.status === "cancelled") return "cancelled";
  return new Date(s.endAt).getTime() <= now ? "ended" : "scheduled";
}

export const STATUS_COLOR: Record<ShownStatus, string> = {
  scheduled: "blue",
  cancelled: "red",
  ended: "gray",
};

const CLASS_WORDS: Record<string, string> = {
  class_full: "This class is full: every place is taken.",
  already_enrolled: "This customer is already on the roster.",
  class_session_cancelled: "This class was cancelled.",
  enrolment_on_ticket: "This booking is on a ticket: void or refund the ticket instead.",
  enrolment_cancelled: "This booking is already cancelled.",
  enrolment_not_active: "This booking is no longer active (cancelled or a no-show).",
  nothing_to_review: "This no-show was already decided.",
  customer_required: "Choose a customer or add a new one.",
  not_a_class_type: "Choose a class type.",
  end_before_start: "The end must be after the start.",
  invalid_period: "Choose a shorter period.",
};

/** Plain words for the classes' error codes, then the app's own. */
export function classWords(error: unknown): string {
  if (error instanceof ApiError && CLASS_WORDS[error.code]) return CLASS_WORDS[error.code]!;
  return plainWords(error);
}

/** "2 of 10 used (1 booked) · 8 remaining", or UNLIMITED above 100 left (P10). */
export function packageCounter(p: NonNullable<RosterEntry["payment"]["package"]>): string {
  const booked = p.booked > 0 ? ` (${p.booked} booked)` : "";
  const left = p.remaining > 100 ? "UNLIMITED" : `${p.remaining} remaining`;
  return `${p.used + p.booked} of ${p.total} used${booked} · ${left}`;
}
