// U1, U2: which languages Carnet speaks, and whose language a person is written to in.
//
// A language is a folder of locales/ (the web app's words and the e-mails' words are both there):
// adding a language is adding its folder. A location's locale is a BCP 47 tag of a language and a
// region; its region decides how dates and clocks read there, whatever language they are read in.
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { invalid } from "../domain/errors.js";
import { PROJECT_ROOT } from "../paths.js";
import { authorize, type Ctx, type Executor } from "./context.js";

export const LOCALES_DIR = join(PROJECT_ROOT, "locales");

/** The languages Carnet has words for, English first. */
export const LANGUAGES: readonly string[] = readdirSync(LOCALES_DIR, { withFileTypes: true })
  .filter((d) => d.isDirectory() && /^[a-z]{2,3}$/.test(d.name))
  .map((d) => d.name)
  .sort((a, b) => (a === "en" ? -1 : b === "en" ? 1 : a.localeCompare(b)));

export function assertLanguage(language: string, field: string): string {
  if (!LANGUAGES.includes(language))
    throw invalid("unknown_language", `${field}: must be one of ${LANGUAGES.join(", ")}`, field);
  return language;
}

const LOCALE_SHAPE = /^[a-z]{2,3}-[A-Z]{2}$/;

/** A language and a region that Intl knows, written as Intl writes it ('hu-HU', 'en-US'). */
export function assertLocale(locale: string, field: string): string {
  const known =
    LOCALE_SHAPE.test(locale) &&
    Intl.getCanonicalLocales(locale)[0] === locale &&
    Intl.DateTimeFormat.supportedLocalesOf([locale]).length > 0;
  if (!known)
    throw invalid("invalid_locale", `${field}: must be a language and region such as hu-HU or en-US`, field);
  return locale;
}

/**
 * The locale dates, clocks and money are written in for someone reading `language` at a location
 * whose locale is `locationLocale`: the language's words with the region's clock ("en" in Budapest
 * reads en-HU: English, 24-hour). The web app's setFormatLocale follows the same rule.
 */
export function readingLocale(language: string, locationLocale: string): string {
  const region = locationLocale.split("-")[1];
  const tag = region ? `${language}-${region}` : language;
  return Intl.DateTimeFormat.supportedLocalesOf([tag]).length ? tag : locationLocale;
}

/** U2: a staff member chooses the language Carnet speaks to them; null goes back to the business's. */
export async function setOwnLanguage(ctx: Ctx, language: string | null, db: Executor = ctx.database.db) {
  authorize(ctx, "read");
  const chosen = language === null ? null : assertLanguage(language, "language");
  await db
    .updateTable("staff")
    .set({ language: chosen })
    .where("business_id", "=", ctx.actor.businessId)
    .where("id", "=", ctx.actor.staffId)
    .execute();
  return { language: chosen };
}

/** The staff member's own language, or null for the business's. */
export async function ownLanguage(db: Executor, businessId: string, staffId: string): Promise<string | null> {
  const row = await db
    .selectFrom("staff")
    .select("language")
    .where("business_id", "=", businessId)
    .where("id", "=", staffId)
    .executeTakeFirst();
  return row?.language ?? null;
}
