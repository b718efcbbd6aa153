// Credit value (SPEC "Settled details"): shares of the price by retail × credits, rounded down per
// credit with the remainder on the last one; credits added by hand are worth nothing.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { allocatePackagePrice, creditRangeValue, creditValue } from "../../src/domain/credit-value.js";

describe("creditValue", () => {
  it("10,000 over 3 credits is 3,333 / 3,333 / 3,334 (T10's rounding rule)", () => {
    expect([1, 2, 3].map((i) => creditValue(10_000, 3, i))).toEqual([3_333, 3_333, 3_334]);
  });
  it("credits beyond those sold are worth 0 (P9 additions)", () => {
    expect(creditValue(10_000, 3, 4)).toBe(0);
  });
  it("a range is the sum of its credits, in either direction", () => {
    expect(creditRangeValue(10_000, 3, 1, 3)).toBe(3_333 + 3_334);
    expect(creditRangeValue(10_000, 3, 3, 1)).toBe(3_333 + 3_334);
    expect(creditRangeValue(10_000, 3, 2, 5)).toBe(3_334);
    expect(creditRangeValue(10_000, 3, 4, 5)).toBe(0);
  });
  it("property: every range equals the sum of single credits", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10_000_000 }),
        fc.integer({ min: 1, max: 200 }),
        fc.nat(250),
        fc.nat(250),
        (v, g, a, b) => {
          let sum = 0;
          for (let i = Math.min(a, b) + 1; i <= Math.max(a, b); i++) sum += creditValue(v, g, i);
          expect(creditRangeValue(v, g, a, b)).toBe(sum);
        },
      ),
    );
  });
});

describe("allocatePackagePrice", () => {
  it("shares by retail price × credits", () => {
    // 2 facials at 22,000 and 2 massages at 25,000: weights 44,000 and 50,000
    expect(
      allocatePackagePrice(94_000, [
        { retailPriceMinor: 22_000, credits: 2 },
        { retailPriceMinor: 25_000, credits: 2 },
      ]),
    ).toEqual([44_000, 50_000]);
  });
  it("falls back to credits when nothing has a retail price", () => {
    expect(
      allocatePackagePrice(900, [
        { retailPriceMinor: 0, credits: 1 },
        { retailPriceMinor: 0, credits: 2 },
      ]),
    ).toEqual([300, 600]);
  });
  it("property: the shares add up to the price exactly and none is negative", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 100_000_000 }),
        fc.array(
          fc.record({
            retailPriceMinor: fc.integer({ min: 0, max: 1_000_000 }),
            credits: fc.integer({ min: 1, max: 1000 }),
          }),
          { minLength: 1, maxLength: 8 },
        ),
        (price, lines) => {
          const shares = allocatePackagePrice(price, lines);
          expect(shares.reduce((a, b) => a + b, 0)).toBe(price);
          for (const s of shares) expect(s).toBeGreaterThanOrEqual(0);
        },
      ),
    );
  });
});
