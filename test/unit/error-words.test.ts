/// <reference types="vite/client" />
// U2, issue item 11: the web app says a refusal in the screen's language. A refusal of bad input reads
// "<field in words>: <rule in words>", never the request's path ("newCustomer.name: must be at most
// 200 characters"); a stable code has its own words; a rule the words do not know keeps the server's.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiError, plainWords } from "../../web/src/api.js";
import { i18next, switchLanguage } from "../../web/src/i18n/index.js";

const missing: string[] = [];
const original = console.error;
beforeAll(() => {
  // switchLanguage marks the page's language: a stand-in for the page (no DOM here).
  Object.assign(globalThis, { document: { documentElement: { lang: "en" } } });
  console.error = (...args: unknown[]) => {
    missing.push(args.join(" "));
  };
});
afterAll(() => {
  console.error = original;
});

/** A refusal as the server sends it (src/http/errors.ts). */
const refusal = (code: string, message: string, field?: string) => new ApiError(400, code, message, field);
const tooLong = refusal(
  "invalid_input",
  "newCustomer.name: must be at most 200 characters",
  "newCustomer.name",
);

const CASES: Array<{ error: ApiError; en: string; hu: string }> = [
  { error: tooLong, en: "Name: must be at most 200 characters", hu: "Név: legfeljebb 200 karakter lehet" },
  {
    error: refusal("invalid_input", "prices.HUF: must not be negative", "prices.HUF"),
    en: "Price (HUF): must not be negative",
    hu: "Ár (HUF): nem lehet negatív",
  },
  {
    error: refusal(
      "invalid_input",
      "hours.2.end: Invalid input: expected string, received undefined",
      "hours.2.end",
    ),
    en: "End: is required",
    hu: "Vége: kötelező",
  },
  {
    error: refusal(
      "invalid_input",
      "reminderDaysBeforeExpiry: Too big: expected number to be <=365",
      "reminderDaysBeforeExpiry",
    ),
    en: "Expiry reminder: must be at most 365",
    hu: "Lejárati emlékeztető: legfeljebb 365 lehet",
  },
  {
    error: refusal("invalid_input", 'body: Unrecognized key: "colour"', "body"),
    en: 'The request: holds something unexpected ("colour"); reload the page',
    hu: 'A kérés: váratlan adatot tartalmaz ("colour"); érdemes újratölteni az oldalt',
  },
  {
    error: refusal("invalid_input", "name: must rhyme with orange", "name"),
    en: "Name: must rhyme with orange",
    hu: "Név: must rhyme with orange",
  },
  {
    error: refusal("insufficient_credits", "Not enough credits left."),
    en: "There are not enough credits left on this package.",
    hu: "Nincs elég alkalom a bérleten.",
  },
  {
    error: refusal("customer_not_found", "No such customer."),
    en: "Customer not found. It may have been removed; reload the page.",
    hu: "Nem található: vendég. Lehet, hogy törölték; érdemes újratölteni az oldalt.",
  },
  {
    error: refusal("gizmo_not_found", "No such gizmo."),
    en: "This was not found. It may have been removed; reload the page.",
    hu: "Nem található. Lehet, hogy törölték; érdemes újratölteni az oldalt.",
  },
  {
    error: refusal("import_rows_invalid", "The file has 2 error(s); nothing was imported."),
    en: "The file has 2 error(s); nothing was imported.",
    hu: "The file has 2 error(s); nothing was imported.",
  },
];

describe("plainWords (U2, item 11)", () => {
  for (const language of ["en", "hu"] as const) {
    it(`in ${language}: a field and a rule in words, a code in words, the server's words for what is unknown`, async () => {
      await switchLanguage(language);
      expect(i18next.language).toBe(language);
      for (const c of CASES) expect(plainWords(c.error), c.error.message).toBe(c[language]);
      expect(plainWords(tooLong)).not.toContain("newCustomer");
      expect(plainWords(new TypeError("Failed to fetch"))).toBe(
        language === "en"
          ? "Carnet cannot be reached. Check the connection and try again."
          : "A Carnet nem érhető el. Érdemes ellenőrizni a kapcsolatot, és újra megpróbálni.",
      );
    });
  }

  it("asks for no word that is not there", () => {
    expect(missing.filter((m) => m.includes("missing translation"))).toEqual([]);
  });
});
