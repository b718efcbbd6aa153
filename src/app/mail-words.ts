// U2: the words of every e-mail Carnet sends, from locales/<language>/mail.json through i18next (the
// web app's library, an instance of the server's own), and its dates, clocks and money written as
// the location's people read them (U1). A customer is written to in their language, or the
// business's; a staff member in theirs.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import i18next, { type TFunction } from "i18next";
import { LANGUAGES, LOCALES_DIR, readingLocale } from "./languages.js";

type Resource = { [key: string]: string | Resource };

const resources = Object.fromEntries(
  LANGUAGES.filter((language) => existsSync(join(LOCALES_DIR, language, "mail.json"))).map((language) => [
    language,
    { mail: JSON.parse(readFileSync(join(LOCALES_DIR, language, "mail.json"), "utf8")) as Resource },
  ]),
);

const words = i18next.createInstance();
void words.init({
  resources,
  lng: "en",
  fallbackLng: "en",
  ns: ["mail"],
  defaultNS: "mail",
  initAsync: false,
  interpolation: { escapeValue: false },
  returnNull: false,
  returnEmptyString: false,
});

export interface MailWords {
  language: string;
  t: TFunction<"mail">;
  /** 'YYYY-MM-DD' as a date: "31 March 2027", "2027. március 31." */
  localDate(date: string): string;
  /** a day and a clock time in the zone: "Wednesday, 2 December 2026 at 13:00" */
  dateTime(at: Date, timeZone: string): string;
  /** a clock time in the zone: "13:00", "1:00 PM" */
  time(at: Date, timeZone: string): string;
  /** minor units in the currency: "22 000 Ft", "$45.00" */
  money(minor: number, currency: string): string;
}

/** The words and formats for one reader: their language at the location's locale. */
export function mailWords(language: string, locationLocale: string): MailWords {
  const lng = LANGUAGES.includes(language) ? language : "en";
  const locale = readingLocale(lng, locationLocale);
  return {
    language: lng,
    t: words.getFixedT(lng, "mail"),
    localDate: (date) => {
      const [y, m, d] = date.split("-").map(Number);
      return new Intl.DateTimeFormat(locale, { dateStyle: "long", timeZone: "UTC" }).format(
        new Date(Date.UTC(y!, m! - 1, d!)),
      );
    },
    dateTime: (at, timeZone) =>
      new Intl.DateTimeFormat(locale, { dateStyle: "full", timeStyle: "short", timeZone }).format(at),
    time: (at, timeZone) => new Intl.DateTimeFormat(locale, { timeStyle: "short", timeZone }).format(at),
    money: (minor, currency) => {
      const digits = new Intl.NumberFormat(locale, { style: "currency", currency }).resolvedOptions()
        .maximumFractionDigits;
      // Forints are written whole, as the salon prices them (ISO 4217 gives them two minor digits).
      return new Intl.NumberFormat(locale, {
        style: "currency",
        currency,
        maximumFractionDigits: currency === "HUF" ? 0 : digits,
        minimumFractionDigits: currency === "HUF" ? 0 : digits,
      }).format(minor / 100);
    },
  };
}

/** The language a customer is written to in: their own, or the business's. */
export const customerLanguage = (customer: { language: string | null }, business: { language: string }) =>
  customer.language ?? business.language;
