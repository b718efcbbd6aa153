// Choices for a new location: every IANA time zone the browser knows (its own first), and every
// currency, with a first guess from the browser's language and region.

export function browserZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
}

export function timeZones(): string[] {
  const zones = Intl.supportedValuesOf("timeZone");
  const own = browserZone();
  return zones.includes(own) ? zones : [own, ...zones];
}

/** Every currency, named in `language` ("HUF · Hungarian Forint", "HUF · magyar forint"). */
export function currencies(language: string): Array<{ value: string; label: string }> {
  const names = new Intl.DisplayNames([language, "en"], { type: "currency" });
  return Intl.supportedValuesOf("currency").map((code) => ({
    value: code,
    label: `${code} · ${names.of(code) ?? code}`,
  }));
}

const EURO = new Set([
  "AT",
  "BE",
  "CY",
  "DE",
  "EE",
  "ES",
  "FI",
  "FR",
  "GR",
  "HR",
  "IE",
  "IT",
  "LT",
  "LU",
  "LV",
  "MT",
  "NL",
  "PT",
  "SI",
  "SK",
]);
const BY_REGION: Record<string, string> = {
  US: "USD",
  GB: "GBP",
  HU: "HUF",
  CH: "CHF",
  CZ: "CZK",
  PL: "PLN",
  RO: "RON",
  SE: "SEK",
  DK: "DKK",
  NO: "NOK",
  CA: "CAD",
  AU: "AUD",
  NZ: "NZD",
  JP: "JPY",
};

/** The currency of the browser's region, when it is one of the common ones; else EUR. */
export function guessCurrency(): string {
  try {
    const region = new Intl.Locale(navigator.language).maximize().region ?? "";
    if (EURO.has(region)) return "EUR";
    return BY_REGION[region] ?? "EUR";
  } catch {
    return "EUR";
  }
}
