// U2: every word on screen comes from locales/<language>/<namespace>.json through i18next. English is
// in the first bundle; another language loads when a person chooses it. Adding a language is adding
// its folder of files: nothing here names one.
import i18next from "i18next";
import { initReactI18next } from "react-i18next";

type Resource = { [key: string]: string | Resource };

const english = import.meta.glob<Resource>("../../../locales/en/*.json", { eager: true, import: "default" });
const others = import.meta.glob<Resource>(["../../../locales/*/*.json", "!../../../locales/en/*.json"], {
  import: "default",
});

const namespaceOf = (path: string) => path.replace(/^.*\/([^/]+)\.json$/, "$1");
const languageOf = (path: string) => path.replace(/^.*\/locales\/([^/]+)\/[^/]+\.json$/, "$1");

/** The languages Carnet speaks: one per folder of locales/. */
export const LANGUAGES: string[] = [
  "en",
  ...new Set(
    Object.keys(others)
      .map(languageOf)
      .filter((l) => l !== "en"),
  ),
];

/** Each language's own name for itself, for the picker ("English", "Magyar"). */
export const languageName = (language: string): string =>
  new Intl.DisplayNames([language], { type: "language" })
    .of(language)
    ?.replace(/^./, (c) => c.toUpperCase()) ?? language;

/** Missing translations are defects: a test collects them from the console (U2). */
export const MISSING_PREFIX = "carnet: missing translation";

void i18next.use(initReactI18next).init({
  lng: "en",
  fallbackLng: "en",
  defaultNS: "common",
  ns: Object.keys(english).map(namespaceOf),
  resources: {
    en: Object.fromEntries(Object.entries(english).map(([path, r]) => [namespaceOf(path), r])),
  },
  interpolation: { escapeValue: false },
  returnNull: false,
  returnEmptyString: false,
  saveMissing: true,
  missingKeyHandler: (languages, namespace, key) => {
    console.error(`${MISSING_PREFIX}: ${languages.join(",")} ${namespace}:${key}`);
  },
});

const loaded = new Set(["en"]);
/** The language last asked for: a slower earlier switch never overrides it. */
let wanted = "en";

/** Switches the screen's language, loading its files first. Unknown languages fall back to English. */
export async function switchLanguage(language: string): Promise<void> {
  const lng = LANGUAGES.includes(language) ? language : "en";
  wanted = lng;
  if (!loaded.has(lng)) {
    const files = Object.entries(others).filter(([path]) => languageOf(path) === lng);
    const resources = await Promise.all(
      files.map(async ([path, load]) => [namespaceOf(path), await load()] as const),
    );
    for (const [namespace, resource] of resources)
      i18next.addResourceBundle(lng, namespace, resource, true, true);
    loaded.add(lng);
  }
  if (wanted !== lng) return;
  if (i18next.language !== lng) await i18next.changeLanguage(lng);
  document.documentElement.lang = lng;
}

/**
 * The first of the browser's languages that Carnet speaks, else English: what the pages say to
 * someone not signed in (sign-in, sign-up, a forgotten password). Signed in, the staff member's own.
 */
export function browserLanguage(): string {
  if (typeof navigator === "undefined") return "en";
  for (const tag of navigator.languages ?? [navigator.language]) {
    const base = tag.toLowerCase().split("-")[0] ?? "";
    if (LANGUAGES.includes(base)) return base;
  }
  return "en";
}

// Until someone signs in (or a customer's page says whose language to speak): the browser's.
if (browserLanguage() !== "en") void switchLanguage(browserLanguage());

export { i18next };
