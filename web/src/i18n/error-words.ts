// U2: an error from the server in the screen's language (locales/<language>/errors.json). A refusal's
// stable code has words of its own; a refusal of bad input (invalid_input) names the field and the
// rule, and reads "Name: must be at most 200 characters" rather than the request's path
// ("newCustomer.name: …"). A rule this file does not know keeps the server's words for it.
import { localDate, localDateRange } from "../format.js";
import { i18next } from "./index.js";

interface Refusal {
  code: string;
  message: string;
  field?: string | undefined;
}

const t = (key: string, options?: Record<string, unknown>) => i18next.t(key, { ns: "errors", ...options });
const has = (key: string, options?: Record<string, unknown>) =>
  i18next.exists(key, { ns: "errors", ...options });

const DAY = String.raw`(\d{4}-\d{2}-\d{2})`;
const between = (m: RegExpExecArray) => ({ range: localDateRange(m[1]!, m[2]!, true) });

/**
 * Refusals whose message names what the words should name too (G4: the dates of a pause, how many
 * bookings are in the way): the parts read from the server's message, for errors.json's detailed.*.
 * A message that does not read so keeps the code's plain words.
 */
const DETAILS: Record<string, [RegExp, (m: RegExpExecArray) => Record<string, unknown>]> = {
  package_paused: [new RegExp(`from ${DAY} to ${DAY}`), between],
  pause_overlaps: [new RegExp(`from ${DAY} to ${DAY}`), between],
  package_booked_in_pause: [
    new RegExp(`^(\\d+) booking.* between ${DAY} and ${DAY}`),
    (m) => ({ count: Number(m[1]), from: localDate(m[2]!), to: localDate(m[3]!) }),
  ],
  pause_already_over: [new RegExp(`ends on ${DAY}`), (m) => ({ date: localDate(m[1]!) })],
};

function detailedWords(error: Refusal): string | null {
  const [pattern, parts] = DETAILS[error.code] ?? [];
  const m = pattern?.exec(error.message);
  if (!m || !parts) return null;
  const values = parts(m);
  return has(`detailed.${error.code}`, values) ? t(`detailed.${error.code}`, values) : null;
}

/** The server's rules (src/http/schemas.ts and zod's own words) and what each becomes. */
const RULES: Array<[RegExp, (m: RegExpExecArray) => string]> = [
  [/^must not be empty$/, () => t("rules.empty")],
  [/^Invalid input: expected \w+, received undefined$/, () => t("rules.required")],
  [
    /^(?:must be at most (\d+) characters|Too big: expected string to have <=(\d+) characters)$/,
    (m) => t("rules.maxLength", { count: Number(m[1] ?? m[2]) }),
  ],
  [
    /^Too small: expected string to have >=(\d+) characters$/,
    (m) => (m[1] === "1" ? t("rules.empty") : t("rules.minLength", { count: Number(m[1]) })),
  ],
  [
    /^(?:must hold at most (\d+) \w+|Too big: expected array to have <=(\d+) items)$/,
    (m) => t("rules.maxItems", { count: Number(m[1] ?? m[2]) }),
  ],
  [
    /^(?:must have at least one item|book at least one service|Too small: expected array to have >=(\d+) items)$/,
    (m) => t("rules.minItems", { count: Number(m[1] ?? 1) }),
  ],
  [/^(?:must not be negative|must be 0 or more)$/, () => t("rules.notNegative")],
  [
    /^(?:must be at most (\d+)(?: \(.*\))?|Too big: expected number to be <=?(\d+))$/,
    (m) => t("rules.max", { max: Number(m[1] ?? m[2]) }),
  ],
  [
    /^(?:must be at least (\d+)|Too small: expected number to be >=?(\d+))$/,
    (m) => t("rules.min", { min: Number(m[1] ?? m[2]) }),
  ],
  [/^must be a whole number|^Invalid input: expected int,/, () => t("rules.wholeNumber")],
  [/^Invalid input: expected number,/, () => t("rules.number")],
  [/^Invalid input: expected boolean,/, () => t("rules.boolean")],
  [/^Invalid input: expected \w+, received \w+$/, () => t("rules.type")],
  [/^Invalid option: expected one of /, () => t("rules.option")],
  [/^must be an e-mail address$|^Invalid email/, () => t("rules.email")],
  [/^must be an id \(UUID\)$|^Invalid UUID/, () => t("rules.id")],
  [/^must be an ISO 4217 code/, () => t("rules.currency")],
  [/^must not contain control characters other than line breaks/, () => t("rules.controlsButLines")],
  [/^must not contain control characters/, () => t("rules.controls")],
  [/^must not contain bidirectional/, () => t("rules.bidi")],
  [/^must not contain invisible characters/, () => t("rules.invisible")],
  [/^must be well-formed Unicode/, () => t("rules.unicode")],
  [/^may hold digits, spaces and/, () => t("rules.phone")],
  [/^must be a date written YYYY-MM-DD/, () => t("rules.date")],
  [/^must be an ISO 8601 date-time/, () => t("rules.dateTime")],
  [/^must be from (\S+) to (\S+)$/, (m) => t("rules.range", { from: m[1], to: m[2] })],
  [/^is too large$/, () => t("rules.tooLarge")],
  [/^must be a language code/, () => t("rules.language")],
  [/^must be a language and region/, () => t("rules.locale")],
  [/^Unrecognized keys?: (.+)$/, (m) => t("rules.unknownKey", { keys: m[1] })],
  [/^must be 1 \(Monday\) to 7 \(Sunday\)$/, () => t("rules.weekday")],
  [/^is not a link token$/, () => t("rules.token")],
];

function ruleWords(rule: string): string {
  for (const [pattern, words] of RULES) {
    const m = pattern.exec(rule);
    if (m) return words(m);
  }
  return rule;
}

/**
 * The field in words: the last segment of its path that is a word ("hours.2.end" → End,
 * "newCustomer.name" → Name), with a currency code kept beside it ("prices.HUF" → Price (HUF)).
 */
function fieldWords(field: string): string | null {
  const segments = field.split(".");
  const currency = segments.at(-1)?.match(/^[A-Z]{3}$/)?.[0];
  for (let i = segments.length - 1; i >= 0; i--) {
    const segment = segments[i]!;
    if (/^\d+$/.test(segment) || segment === currency) continue;
    if (!has(`fields.${segment}`)) return null;
    const words = t(`fields.${segment}`);
    return currency ? `${words} (${currency})` : words;
  }
  return null;
}

export function errorWords(error: Refusal): string {
  if (error.code === "invalid_input" && error.field) {
    const field = fieldWords(error.field);
    const rule = error.message.startsWith(`${error.field}: `)
      ? error.message.slice(error.field.length + 2)
      : error.message;
    if (field) return t("validation", { field, rule: ruleWords(rule) });
    return error.message;
  }
  if (has(error.code)) return detailedWords(error) ?? t(error.code);
  const missing = /^(.+)_not_found$/.exec(error.code)?.[1];
  if (missing)
    return has(`things.${missing}`) ? t("notFound", { thing: t(`things.${missing}`) }) : t("notFoundAny");
  return error.message;
}

/** When Carnet cannot be reached at all. */
export const offlineWords = () => t("offline");
