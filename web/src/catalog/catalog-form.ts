// What the catalog's forms share: prices typed in major units per currency of the business's
// locations, and the server's refusals put on the field they name.
import type { UseFormReturnType } from "@mantine/form";
import i18next from "i18next";
import type { Location } from "../api/types.js";
import { ApiError, plainWords } from "../api.js";

/** Every currency the business takes, from its locations. */
export function currenciesOf(locations: Location[]): string[] {
  return [...new Set(locations.map((l) => l.currency))].sort();
}

/** Digits after the decimal point people type: none for forints, cents for dollars. */
export const decimalsOf = (currency: string) => (currency === "HUF" ? 0 : 2);

// Minor units: every currency Carnet shows has two (ISO 4217), as format.ts says.
export const toMinor = (major: number) => Math.round(major * 100);
export const toMajor = (minor: number) => minor / 100;

/** Prices as the form holds them ("" = no price in that currency) → the API's minor units. */
export function pricesToMinor(prices: Record<string, number | string>): Record<string, number> {
  return Object.fromEntries(
    Object.entries(prices)
      .filter(([, v]) => v !== "" && v !== null && v !== undefined)
      .map(([c, v]) => [c, toMinor(Number(v))]),
  );
}

export function pricesToMajor(
  prices: Record<string, number>,
  currencies: string[],
): Record<string, number | string> {
  return Object.fromEntries(currencies.map((c) => [c, prices[c] === undefined ? "" : toMajor(prices[c]!)]));
}

/**
 * Puts a refusal on the form field it names (the server's "prices.HUF", "items.0.quantity", …)
 * when the form has that field; otherwise answers the words to show above the form.
 */
export function showRefusal<T>(
  form: UseFormReturnType<T>,
  error: unknown,
  fields: Record<string, string> = {},
): string | null {
  const words = plainWords(error);
  if (error instanceof ApiError && error.field) {
    const field = fields[error.field] ?? error.field;
    const values = form.getValues() as Record<string, unknown>;
    const root = field.split(".")[0]!;
    if (root in values) {
      // "prices.HUF: must not be negative" → "must not be negative" beside the field
      form.setFieldError(
        field,
        words.replace(/^[\w.]+: /, "").replace(/^./, (c) => c.toUpperCase()),
      );
      return null;
    }
  }
  return words;
}

/**
 * A price as a person types it ("12.50", "1 500", "3000") → minor units, or the words saying what
 * to type instead. "12,5" is refused rather than guessed: a comma is the decimal point in one
 * country and a thousands separator in another.
 */
const t = (key: string, values?: Record<string, unknown>) => i18next.t(key, { ns: "catalog", ...values });

export function parsePrice(text: string, currency: string): { minor: number } | { error: string } | null {
  const typed = text.replace(/[\s\u00a0]/g, "");
  if (typed === "") return null;
  const decimals = decimalsOf(currency);
  const comma = /^(\d+),(\d+)$/.exec(typed);
  if (comma) {
    const [, whole, after] = comma as unknown as [string, string, string];
    // "12,500" is most likely twelve thousand five hundred; "12,5" twelve and a half.
    if (after.length === 3)
      return {
        error: decimals
          ? t("price.thousandsComma", { number: `${whole}${after}` })
          : t("price.thousandsCommaWhole", { number: `${whole}${after}` }),
      };
    return {
      error:
        decimals === 0
          ? t("price.wholeComma", { currency, whole })
          : t("price.decimalComma", { right: `${whole}.${after}`, typed }),
    };
  }
  if (typed.startsWith("-")) return { error: t("price.negative") };
  const shape = decimals === 0 ? /^\d+$/ : /^\d+(\.\d{1,2})?$/;
  if (!shape.test(typed))
    return {
      error: decimals === 0 ? t("price.whole", { currency }) : t("price.amount"),
    };
  const minor = Math.round(Number(typed) * 100);
  if (minor > 1_000_000_000_00) return { error: t("price.tooLarge") };
  return { minor };
}

/** Prices as typed per currency → minor units, and the field errors ("prices.USD") of those that do not read. */
export function readPrices(typed: Record<string, string>) {
  const prices: Record<string, number> = {};
  const errors: Record<string, string> = {};
  for (const [currency, text] of Object.entries(typed)) {
    const read = parsePrice(text, currency);
    if (read === null) continue;
    if ("error" in read) errors[`prices.${currency}`] = read.error;
    else prices[currency] = read.minor;
  }
  return { prices, errors };
}

/** Minor units → the text a person would type ("12.5" stays "12.50"; forints without decimals). */
export function priceText(minor: number | undefined, currency: string): string {
  if (minor === undefined) return "";
  return decimalsOf(currency) === 0 && minor % 100 === 0 ? String(minor / 100) : (minor / 100).toFixed(2);
}

/** Prices of a record → the texts of the form, one per currency of the business. */
export function pricesToText(prices: Record<string, number>, currencies: string[]): Record<string, string> {
  return Object.fromEntries(currencies.map((c) => [c, priceText(prices[c], c)]));
}

/** A percentage as typed ("12.5", "10") → basis points, or the words saying what to type. */
export function parsePercent(text: string): { bp: number } | { error: string } {
  const typed = text.replace(/[\s%]/g, "");
  if (typed === "") return { error: t("percent.type") };
  if (/^\d+,\d+$/.test(typed))
    return { error: t("percent.decimalComma", { right: typed.replace(",", ".") }) };
  if (!/^\d+(\.\d{1,2})?$/.test(typed)) return { error: t("percent.type") };
  const bp = Math.round(Number(typed) * 100);
  if (bp > 10_000) return { error: t("percent.max") };
  return { bp };
}

/** Basis points → "12.5 %". */
export const percentText = (bp: number) => `${Number((bp / 100).toFixed(2))} %`;

export type CommissionBasis = "item_retail_price" | "package_price_per_credit";

/** The template lines the preview and the server can read: an item chosen and whole credits ≥ 1. */
export function readableLines(lines: Array<{ itemId: string | null; credits: number | string }>) {
  return lines.flatMap((l) =>
    l.itemId && l.credits !== "" && Number.isInteger(Number(l.credits)) && Number(l.credits) >= 1
      ? [{ itemId: l.itemId, quantity: Number(l.credits) }]
      : [],
  );
}
