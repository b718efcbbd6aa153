// U1: number fields follow the format locale (web/src/number-input.ts): in Hungarian a price is typed
// and shown with a decimal comma and a space between thousands, in English with a point and commas.
// Typing is replayed key by key through the formatter Mantine's NumberInput uses.
import { numericFormatter, removeNumericFormat } from "react-number-format";
import { afterEach, describe, expect, it } from "vitest";
import { setFormatLocale } from "../../web/src/format.js";
import { numberInputSeparators } from "../../web/src/number-input.js";

afterEach(() => setFormatLocale("en", "en-GB"));

/** What a field shows and hands on after `keys` are typed one by one into an empty field. */
function type(keys: string, decimalScale = 2): { shown: string; value: number } {
  const props = { ...numberInputSeparators(), decimalScale };
  let shown = "";
  let digits = "";
  for (const key of keys) {
    const at = shown.length;
    digits = removeNumericFormat(
      shown + key,
      {
        from: { start: at, end: at },
        to: { start: at, end: at + 1 },
        lastValue: shown,
      },
      props,
    );
    shown = numericFormatter(digits, props);
  }
  // The field's number is the digits read back, as Mantine's NumberInput takes them (floatValue).
  return { shown, value: Number(digits) };
}

const NBSP = "\u00a0";

describe("numberInputSeparators", () => {
  it("U1: Hungarian (hu-HU): a decimal comma, a space between thousands", () => {
    setFormatLocale("hu", "hu-HU");
    expect(numberInputSeparators()).toEqual({
      decimalSeparator: ",",
      thousandSeparator: NBSP,
      allowedDecimalSeparators: [",", "."],
    });
    expect(type("1500,5")).toEqual({ shown: `1${NBSP}500,5`, value: 1500.5 });
    // A keypad's point types the comma too.
    expect(type("1500.5")).toEqual({ shown: `1${NBSP}500,5`, value: 1500.5 });
    expect(type("12,50")).toEqual({ shown: "12,50", value: 12.5 });
  });

  it("U1: English in New York (en-US): a decimal point, commas between thousands", () => {
    setFormatLocale("en", "en-US");
    expect(numberInputSeparators().decimalSeparator).toBe(".");
    expect(type("1.5")).toEqual({ shown: "1.5", value: 1.5 });
    expect(type("1500.5")).toEqual({ shown: "1,500.5", value: 1500.5 });
    // A comma groups thousands in English: "1,500" is fifteen hundred, never one and a half.
    expect(type("1,500")).toEqual({ shown: "1,500", value: 1500 });
  });

  it("U1: follows the locale the session sets, without a reload", () => {
    setFormatLocale("en", "en-US");
    expect(type("1500.5").shown).toBe("1,500.5");
    setFormatLocale("hu", "hu-HU");
    expect(type("1500.5").shown).toBe(`1${NBSP}500,5`);
  });

  it("U1: whole numbers (credits, days) group thousands and drop a typed decimal mark", () => {
    setFormatLocale("hu", "hu-HU");
    expect(type("10000", 0)).toEqual({ shown: `10${NBSP}000`, value: 10000 });
    expect(type("12,5", 0)).toEqual({ shown: "125", value: 125 });
  });
});
