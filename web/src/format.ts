// Money and dates as the location shows them: Intl with the location's currency and zone.
// The one i18next instance, set up by web/src/i18n (imported by main.tsx before any screen renders).
import i18next from "i18next";

const moneyFormats = new Map<string, Intl.NumberFormat>();

/** P10: more than this many credits left is an unlimited pass: no count is shown. */
export const UNLIMITED_ABOVE = 100;

export function money(minor: number, currency: string): string {
  let f = moneyFormats.get(currency);
  if (!f) {
    f = new Intl.NumberFormat(currency === "HUF" ? "hu-HU" : "en-US", {
      style: "currency",
      currency,
      maximumFractionDigits: currency === "HUF" ? 0 : 2,
    });
    moneyFormats.set(currency, f);
  }
  // Minor units: both HUF and USD have two (ISO 4217).
  return f.format(minor / 100);
}

// U1: dates and clocks read the way the location's people read them (24-hour in Budapest, 12-hour in
// New York), in the words of the screen's language: "en" at a location in "hu-HU" formats as en-HU.
let formatLocale = "en-GB";

/** Set by the session: the screen's language and the working location's locale (a BCP 47 tag). */
export function setFormatLocale(language: string, locationLocale: string): void {
  const region = locationLocale.split("-")[1];
  const tag = region ? `${language}-${region}` : language;
  // Intl falls back by itself for a region it lacks ("xx-HU" → "xx"); asking first cost ~200 ms.
  formatLocale = tag;
  dateFormats.clear();
}

/** The locale every date and time on screen is formatted with (also for pickers and calendars). */
export const currentFormatLocale = (): string => formatLocale;

const dateFormats = new Map<string, Intl.DateTimeFormat>();
function formatter(kind: string, timeZone: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${kind}|${timeZone}`;
  let f = dateFormats.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(formatLocale, { ...options, timeZone });
    dateFormats.set(key, f);
  }
  return f;
}

const DATE: Intl.DateTimeFormatOptions = { day: "numeric", month: "short", year: "numeric" };
const TIME: Intl.DateTimeFormatOptions = { hour: "numeric", minute: "2-digit" };

export function dateIn(iso: string, timeZone: string): string {
  return formatter("date", timeZone, DATE).format(new Date(iso));
}

export function dateTimeIn(iso: string, timeZone: string): string {
  return formatter("dateTime", timeZone, { ...DATE, ...TIME }).format(new Date(iso));
}

/** A clock time: "15:30" in Budapest, "3:30 PM" in New York. */
export function timeIn(iso: string | Date, timeZone: string): string {
  return formatter("time", timeZone, TIME).format(typeof iso === "string" ? new Date(iso) : iso);
}

/** A span of time on one day: "13:00 – 13:45", "1:00 – 1:45 PM". */
export function timeRangeIn(startIso: string | Date, endIso: string | Date, timeZone: string): string {
  const start = typeof startIso === "string" ? new Date(startIso) : startIso;
  const end = typeof endIso === "string" ? new Date(endIso) : endIso;
  return formatter("time", timeZone, TIME).formatRange(start, end);
}

/** A day as a heading: "Wednesday 2 December" / "szerda, december 2.". */
export function dayHeadingIn(iso: string | Date, timeZone: string): string {
  return formatter("day", timeZone, { weekday: "long", day: "numeric", month: "long" }).format(
    typeof iso === "string" ? new Date(iso) : iso,
  );
}

/** A day in a week's column heading: "Wed 2" / "sze 2.". */
export function dayShortIn(iso: string | Date, timeZone: string): string {
  return formatter("dayShort", timeZone, { weekday: "short", day: "numeric" }).format(
    typeof iso === "string" ? new Date(iso) : iso,
  );
}

/** A span of days: "30 Nov – 6 Dec 2026" / "2026. nov. 30. – dec. 6.". */
export function dayRangeIn(startIso: string | Date, endIso: string | Date, timeZone: string): string {
  const start = typeof startIso === "string" ? new Date(startIso) : startIso;
  const end = typeof endIso === "string" ? new Date(endIso) : endIso;
  return formatter("dayRange", timeZone, DATE).formatRange(start, end);
}

/** A local date 'YYYY-MM-DD' in parts the calendar pickers need ("December 2026", "Mon"). */
export function localDatePart(date: string, part: "monthYear" | "weekday"): string {
  const [y, m, d] = date.split("-").map(Number);
  const options: Intl.DateTimeFormatOptions =
    part === "monthYear" ? { month: "long", year: "numeric" } : { weekday: "short" };
  return formatter(part, "UTC", options).format(new Date(Date.UTC(y!, m! - 1, d!)));
}

/** Where the location is, the week starts on: 1 = Monday … 7 = Sunday. */
export function firstDayOfWeek(): number {
  const locale = new Intl.Locale(formatLocale) as Intl.Locale & {
    getWeekInfo?: () => { firstDay: number };
    weekInfo?: { firstDay: number };
  };
  return (locale.getWeekInfo?.() ?? locale.weekInfo)?.firstDay ?? 1;
}

/** A local date 'YYYY-MM-DD' as the people there read it. */
export function localDate(date: string): string {
  const [y, m, d] = date.split("-").map(Number);
  return formatter("date", "UTC", DATE).format(new Date(Date.UTC(y!, m! - 1, d!)));
}

// U2: the names of statuses, roles and movements are words of namespace "common", looked up when
// read, so they speak the screen's current language; a code the group does not know reads as it is.
const wordOf = (group: string, codes: readonly string[]) => {
  const known = new Set(codes);
  return (code: string): string => (known.has(code) ? i18next.t(`${group}.${code}`, { ns: "common" }) : code);
};

/** A local date 'YYYY-MM-DD' without its year: "23 Dec" / "dec. 23.". */
export function localDayMonth(date: string): string {
  const [y, m, d] = date.split("-").map(Number);
  return formatter("dayMonth", "UTC", { day: "numeric", month: "short" }).format(
    new Date(Date.UTC(y!, m! - 1, d!)),
  );
}

/**
 * A span of local dates 'YYYY-MM-DD': "10–23 Dec" / "dec. 10–23."; with the year, "10–23 Dec 2026".
 * One day reads as that day.
 */
export function localDateRange(from: string, to: string, withYear = false): string {
  const at = (date: string) => {
    const [y, m, d] = date.split("-").map(Number);
    return new Date(Date.UTC(y!, m! - 1, d!));
  };
  const options: Intl.DateTimeFormatOptions = withYear ? DATE : { day: "numeric", month: "short" };
  const f = formatter(withYear ? "dateRange" : "dayMonthRange", "UTC", options);
  return from === to ? f.format(at(from)) : f.formatRange(at(from), at(to));
}

/** A package's status in words ("Active", "Aktív"); an unknown code as it is. */
export const statusLabel = wordOf("packageStatus", ["active", "fully_used", "expired", "refunded"]);
export const STATUS_COLOR: Record<string, string> = {
  active: "green",
  fully_used: "gray",
  expired: "orange",
  refunded: "red",
};

/** A staff role in words ("Front desk", "Recepciós"). */
export const roleLabel = wordOf("roles", ["owner", "manager", "front_desk", "practitioner"]);

/** A movement of credits in words ("Redeemed", "Beváltva"); an unknown kind as it is. */
export const movementLabel = wordOf("movement", [
  "grant",
  "add",
  "deduct",
  "reserve",
  "release",
  "consume",
  "redeem",
  "restore",
  "expire",
  "unexpire",
  "transfer_out",
  "transfer_in",
]);
