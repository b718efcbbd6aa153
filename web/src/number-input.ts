// U1: number fields are typed and shown as the format locale writes numbers: "1 500,5" in Hungarian,
// "1,500.5" in English. What a field hands on is a JavaScript number either way.
import { currentFormatLocale } from "./format.js";

export interface NumberInputSeparators {
  decimalSeparator: string;
  /** Undefined where the locale groups no digits. */
  thousandSeparator: string | undefined;
  /** The keys that type the decimal mark. */
  allowedDecimalSeparators: string[];
}

const byLocale = new Map<string, NumberInputSeparators>();

/** The marks for a Mantine NumberInput: spread them into its props (`{...numberInputSeparators()}`). */
export function numberInputSeparators(): NumberInputSeparators {
  const locale = currentFormatLocale();
  let marks = byLocale.get(locale);
  if (!marks) {
    const parts = new Intl.NumberFormat(locale).formatToParts(12345.6);
    const decimal = parts.find((p) => p.type === "decimal")?.value ?? ".";
    const group = parts.find((p) => p.type === "group")?.value;
    marks = {
      decimalSeparator: decimal,
      thousandSeparator: group,
      // A keypad has only the point: where the locale writes a comma, the point types it too,
      // unless the point groups digits there. Never the group mark (Mantine's default lets ","
      // type a decimal point, which in English would turn "1,500" into 1.5).
      allowedDecimalSeparators: decimal === "." || group === "." ? [decimal] : [decimal, "."],
    };
    byLocale.set(locale, marks);
  }
  return marks;
}
