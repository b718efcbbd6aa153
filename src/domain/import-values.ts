// O5: the values of an import file as a salon's spreadsheet writes them, read into Carnet's units.
// Amounts in the location currency's major units, with the grouping and decimal marks people use
// ("12000", "12 000", "12 000,50", "12,000.50", "1.234,5", with or without the currency); dates
// year first ("2025-03-14", "2025.03.14.", "2025/3/14"). Each reader answers a value or why not, in
// words a receptionist can act on.
import { Temporal } from "temporal-polyfill";

export type Read<T> = { ok: true; value: T } | { ok: false; why: string };
const ok = <T>(value: T): Read<T> => ({ ok: true, value });
const no = <T>(why: string): Read<T> => ({ ok: false, why });

// ISO 4217 minor units where they are not 2 (Carnet keeps money in minor units, SPEC "Money").
const MINOR_DIGITS: Record<string, number> = {
  BIF: 0,
  CLP: 0,
  DJF: 0,
  GNF: 0,
  ISK: 0,
  JPY: 0,
  KMF: 0,
  KRW: 0,
  PYG: 0,
  RWF: 0,
  UGX: 0,
  UYI: 0,
  VND: 0,
  VUV: 0,
  XAF: 0,
  XOF: 0,
  XPF: 0,
  BHD: 3,
  IQD: 3,
  JOD: 3,
  KWD: 3,
  LYD: 3,
  OMR: 3,
  TND: 3,
};
export const minorDigits = (currency: string) => MINOR_DIGITS[currency] ?? 2;

/** The largest amount Carnet takes (the API's `money` shape), in minor units. */
export const MAX_MINOR = 1_000_000_000_000;

const symbolCache = new Map<string, string[]>();
/** How the currency is written beside an amount: its code and its symbols ("HUF", "Ft"; "USD", "$", "US$"). */
function currencyMarks(currency: string): string[] {
  let marks = symbolCache.get(currency);
  if (!marks) {
    const found = new Set([currency.toLowerCase()]);
    for (const locale of ["en-US", "en-GB", "hu-HU", "de-DE", "fr-FR"]) {
      for (const display of ["symbol", "narrowSymbol"] as const) {
        try {
          const part = new Intl.NumberFormat(locale, {
            style: "currency",
            currency,
            currencyDisplay: display,
          })
            .formatToParts(1)
            .find((p) => p.type === "currency");
          if (part) found.add(part.value.toLowerCase());
        } catch {
          // a code Intl does not know: the code alone
        }
      }
    }
    // longest first, so that "US$" goes before "$"
    marks = [...found].sort((a, b) => b.length - a.length);
    symbolCache.set(currency, marks);
  }
  return marks;
}

const SPACES = /[\s\u00a0\u202f\u2009']/g;

/**
 * An amount in the currency's major units, as minor units. A mark followed by exactly three digits
 * groups thousands ("12.000" is twelve thousand); the last mark followed by fewer digits, or the
 * last of two different marks, is the decimal one ("12,5", "1.234,50").
 */
export function readAmount(text: string, currency: string): Read<number> {
  let t = text.trim().toLowerCase();
  for (const mark of currencyMarks(currency)) {
    if (t.startsWith(mark)) t = t.slice(mark.length);
    if (t.endsWith(mark)) t = t.slice(0, -mark.length);
  }
  t = t.replace(SPACES, "").replace(/[.,]-$/, "");
  if (t.startsWith("-")) return no("must not be negative");
  if (!/^\d+([.,]\d+)*$/.test(t)) return no(`must be an amount in ${currency}, such as 12000 or 12 000,50`);
  const marks = t.replace(/\d/g, "");
  const last = Math.max(t.lastIndexOf("."), t.lastIndexOf(","));
  // Two kinds of mark: the last one is the decimal mark ("1.234,50"). One mark followed by other
  // than three digits: decimal ("12,5"). Otherwise they group thousands ("12.000", "1,000,000"),
  // also in a currency with three decimals, where "12.500" is ambiguous and read as 12500.
  const mixed = marks.includes(".") && marks.includes(",");
  const decimalAt = mixed || (marks.length === 1 && t.length - last - 1 !== 3) ? last : -1;
  const whole = decimalAt >= 0 ? t.slice(0, decimalAt) : t;
  const fraction = decimalAt >= 0 ? t.slice(decimalAt + 1) : "";
  const groups = whole.split(/[.,]/);
  if (new Set(whole.replace(/\d/g, "")).size > 1 || groups.slice(1).some((g) => g.length !== 3)) {
    return no("has thousands marks in the wrong places");
  }
  const digits = minorDigits(currency);
  if (fraction.length > digits) {
    return no(
      digits === 0
        ? `must be a whole amount: ${currency} has no smaller unit`
        : `must have at most ${digits} digits after the decimal mark`,
    );
  }
  const minor = Number(groups.join("")) * 10 ** digits + Number(fraction.padEnd(digits, "0") || "0");
  if (!Number.isSafeInteger(minor) || minor > MAX_MINOR) return no("is too large");
  return ok(minor);
}

/** A whole number of credits: "10", or "10.0" as a spreadsheet may write it. */
export function readCount(text: string): Read<number> {
  const t = text.trim();
  if (t.startsWith("-")) return no("must not be negative");
  if (!/^\d+([.,]0+)?$/.test(t)) return no("must be a whole number");
  const n = Number(t.replace(/[.,]0+$/, ""));
  return Number.isSafeInteger(n) ? ok(n) : no("is too large");
}

export const EARLIEST_IMPORT_DATE = "1970-01-01";
export const LATEST_IMPORT_DATE = "2199-12-31";

/** A date written year first: 2025-03-14, 2025.03.14., 2025. 03. 14., 2025/3/14. */
export function readDate(text: string): Read<string> {
  const t = text.trim();
  const m = /^(\d{4})[-./] ?(\d{1,2})[-./] ?(\d{1,2})\.?$/.exec(t);
  if (!m) {
    return /^\d{1,2}[-./]\d{1,2}[-./]\d{4}$/.test(t)
      ? no("must be written year first, as YYYY-MM-DD (2025-03-14): day and month first are ambiguous")
      : no("must be a date written YYYY-MM-DD, such as 2025-03-14");
  }
  let date: Temporal.PlainDate;
  try {
    date = Temporal.PlainDate.from(
      { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) },
      { overflow: "reject" },
    );
  } catch {
    return no("is not a day of the calendar");
  }
  const iso = date.toString();
  if (iso < EARLIEST_IMPORT_DATE || iso > LATEST_IMPORT_DATE)
    return no(`must be from ${EARLIEST_IMPORT_DATE} to ${LATEST_IMPORT_DATE}`);
  return ok(iso);
}

/** The digits of a phone number (and a leading +), so that "+36 1 234 5678" meets "+3612345678". */
export const phoneKey = (phone: string) => phone.replace(/(?!^\+)[^\d]/g, "");

/** A name as rows and the catalog are compared: letter case and runs of spaces aside. */
export const nameKey = (name: string) => name.trim().replace(/\s+/g, " ").toLowerCase();
