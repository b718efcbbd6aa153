// When a package can be used. Expiry is a local date in the purchase location's zone; the package
// is valid until 23:59:59.999 of that date there (P3), whatever zone the server runs in.
import { Temporal } from "temporal-polyfill";
import { invalid } from "./errors.js";

export type ValidityRule =
  | { kind: "days"; count: number }
  | { kind: "months"; count: number }
  | { kind: "fixed_date"; date: string }
  | { kind: "one_day" }
  | { kind: "none" };

export interface Expiry {
  /** last local date of use, 'YYYY-MM-DD'; null = never expires */
  expiresOn: string | null;
  /** the instant the package stops being usable: end of expiresOn in the zone */
  expiresAt: Temporal.Instant | null;
}

export function assertTimeZone(zone: string, field = "timeZone"): string {
  try {
    return Temporal.Now.instant().toZonedDateTimeISO(zone).timeZoneId;
  } catch {
    throw invalid("invalid_time_zone", `${field} must be an IANA time zone such as Europe/Budapest.`, field);
  }
}

export function localDate(instant: Temporal.Instant, zone: string): Temporal.PlainDate {
  return instant.toZonedDateTimeISO(zone).toPlainDate();
}

/** 23:59:59.999 local time on `date` in `zone`; on DST days the wall clock, not a fixed offset. */
export function endOfLocalDay(date: Temporal.PlainDate, zone: string): Temporal.Instant {
  const nextMidnight = date.add({ days: 1 }).toZonedDateTime({ timeZone: zone });
  return nextMidnight.toInstant().subtract({ milliseconds: 1 });
}

export function computeExpiry(purchasedAt: Temporal.Instant, zone: string, rule: ValidityRule): Expiry {
  const purchaseDate = localDate(purchasedAt, zone);
  let expiresOn: Temporal.PlainDate | null;
  switch (rule.kind) {
    case "none":
      expiresOn = null;
      break;
    case "one_day":
      expiresOn = purchaseDate;
      break;
    case "days":
      expiresOn = purchaseDate.add({ days: rule.count });
      break;
    case "months":
      // 31 Jan + 1 month = 28/29 Feb: Temporal constrains the overflow.
      expiresOn = purchaseDate.add({ months: rule.count }, { overflow: "constrain" });
      break;
    case "fixed_date":
      expiresOn = Temporal.PlainDate.from(rule.date);
      break;
  }
  return fromExpiryDate(expiresOn, zone);
}

export function fromExpiryDate(expiresOn: Temporal.PlainDate | string | null, zone: string): Expiry {
  if (expiresOn === null) return { expiresOn: null, expiresAt: null };
  const date = typeof expiresOn === "string" ? Temporal.PlainDate.from(expiresOn) : expiresOn;
  return { expiresOn: date.toString(), expiresAt: endOfLocalDay(date, zone) };
}

export function isExpiredAt(expiresAt: Temporal.Instant | null, at: Temporal.Instant): boolean {
  return expiresAt !== null && Temporal.Instant.compare(at, expiresAt) > 0;
}

export function parseInstant(value: string, field: string): Temporal.Instant {
  try {
    return Temporal.Instant.from(value);
  } catch {
    throw invalid("invalid_instant", `${field} must be an ISO 8601 date-time with a zone offset.`, field);
  }
}

export function parseLocalDate(value: string, field: string): Temporal.PlainDate {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) {
    throw invalid("invalid_date", `${field} must be a date written YYYY-MM-DD.`, field);
  }
  try {
    return Temporal.PlainDate.from(value, { overflow: "reject" });
  } catch {
    throw invalid("invalid_date", `${field} is not a calendar date.`, field);
  }
}

export function toInstant(date: Date): Temporal.Instant {
  return Temporal.Instant.fromEpochMilliseconds(date.getTime());
}

export function toDate(instant: Temporal.Instant): Date {
  return new Date(instant.epochMilliseconds);
}

/** Temporal's ISO form of an instant (`…T10:00:00.5Z`), without Temporal's slower formatting. */
export function instantIso(instant: Temporal.Instant): string {
  const ms = instant.epochMilliseconds;
  if (instant.epochNanoseconds % 1_000_000n !== 0n || ms < 0 || ms >= 253_402_300_800_000) {
    return instant.toString();
  }
  const iso = new Date(ms).toISOString(); // …T10:00:00.500Z
  const fraction = iso.slice(20, 23).replace(/0+$/, "");
  return fraction ? `${iso.slice(0, 20)}${fraction}Z` : `${iso.slice(0, 19)}Z`;
}
