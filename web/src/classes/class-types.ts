// The words the class screens share; the shapes of the classes API come from the API's types.
import type { TFunction } from "i18next";
import { useTranslation } from "react-i18next";
import type { ClassSession, RosterEntry } from "../api/types.js";
import { ApiError, plainWords } from "../api.js";
import { UNLIMITED_ABOVE } from "../format.js";

export type { ClassSession, ReviewEntry, RosterEntry } from "../api/types.js";
export type PaymentState = RosterEntry["payment"]["state"];

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

/** The classes' own error codes, each with words in locales/<language>/classes.json (errors.*). */
const CLASS_CODES = new Set([
  "class_full",
  "already_enrolled",
  "class_session_cancelled",
  "enrolment_on_ticket",
  "enrolment_cancelled",
  "enrolment_not_active",
  "nothing_to_review",
  "customer_required",
  "not_a_class_type",
  "end_before_start",
  "invalid_period",
]);

/** Plain words for the classes' error codes, then the app's own. */
export function useClassWords(): (error: unknown) => string {
  const { t } = useTranslation("classes");
  return (error) =>
    error instanceof ApiError && CLASS_CODES.has(error.code) ? t(`errors.${error.code}`) : plainWords(error);
}

/**
 * U1 one wording per meaning, P10: what is left on the package paying for the class ("7 of 10 left
 * · 1 booked"); an unlimited pass counts what was used, never "of 999" ("6 used · unlimited").
 */
export function packageCounter(t: TFunction<"classes">, p: NonNullable<RosterEntry["payment"]["package"]>) {
  const taken = p.used + p.booked;
  if (p.remaining > UNLIMITED_ABOVE)
    return p.booked > 0
      ? t("counter.unlimitedBooked", { used: taken, booked: p.booked })
      : t("counter.unlimited", { used: taken });
  return p.booked > 0
    ? t("counter.leftBooked", { left: p.remaining, total: p.total, booked: p.booked })
    : t("counter.left", { left: p.remaining, total: p.total });
}

/** The booking's own credit: "session 3 of 10", or "session 6" on an unlimited pass. */
export function sessionNumber(t: TFunction<"classes">, sessions: string | null): string | null {
  const m = sessions ? /^(\d+)\/(\d+)$/.exec(sessions) : null;
  if (!m) return null;
  const [n, of] = [Number(m[1]), Number(m[2])];
  return of - n > UNLIMITED_ABOVE ? t("counter.sessionUnlimited", { n }) : t("counter.session", { n, of });
}
