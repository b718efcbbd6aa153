// O4: the amount owed on a line is base × rate, rounded half up to a whole minor unit; the rate is
// the staff member's for the item's category, else theirs without a category, else none.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type CommissionRate, commissionAmount, rateFor } from "../../src/domain/commission.js";

describe("commissionAmount (O4)", () => {
  it.each([
    { baseMinor: 1_200_000, rateBp: 1_500, amountMinor: 180_000, why: "15 % of 12,000.00" },
    { baseMinor: 3_333, rateBp: 1_250, amountMinor: 417, why: "416.625 rounds up" },
    { baseMinor: 3_334, rateBp: 1_250, amountMinor: 417, why: "416.75 rounds up" },
    { baseMinor: 4, rateBp: 1_250, amountMinor: 1, why: "exactly half rounds up" },
    { baseMinor: 3, rateBp: 1_250, amountMinor: 0, why: "0.375 rounds down" },
    { baseMinor: 0, rateBp: 10_000, amountMinor: 0, why: "nothing of nothing" },
    {
      baseMinor: 1_000_000_000_000,
      rateBp: 9_999,
      amountMinor: 999_900_000_000,
      why: "past 2^53 on the way",
    },
  ])("$baseMinor at $rateBp bp is $amountMinor ($why)", ({ baseMinor, rateBp, amountMinor }) => {
    expect(commissionAmount(baseMinor, rateBp)).toBe(amountMinor);
  });

  it("property: never more than half a minor unit from the exact amount", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1_000_000_000 }), fc.integer({ min: 0, max: 10_000 }), (b, r) => {
        const exact = (b * r) / 10_000;
        const amount = commissionAmount(b, r);
        expect(amount - exact).toBeLessThanOrEqual(0.5);
        expect(exact - amount).toBeLessThan(0.5);
      }),
    );
  });
});

describe("rateFor (O4)", () => {
  const rates: CommissionRate[] = [
    { staffId: "anna", category: null, rateBp: 1_000 },
    { staffId: "anna", category: "Nails", rateBp: 1_500 },
    { staffId: "bea", category: "Hair", rateBp: 2_000 },
  ];
  it.each([
    { staffId: "anna", category: "Nails", rateBp: 1_500, why: "her rate for the category" },
    { staffId: "anna", category: "nails", rateBp: 1_500, why: "whatever the letter case" },
    { staffId: "anna", category: "Hair", rateBp: 1_000, why: "her rate without a category" },
    { staffId: "anna", category: null, rateBp: 1_000, why: "an item without a category" },
    { staffId: "bea", category: "Hair", rateBp: 2_000, why: "another person's own rate" },
    { staffId: "bea", category: "Nails", rateBp: null, why: "no rate for it and none without a category" },
    { staffId: "cili", category: null, rateBp: null, why: "no rates at all" },
  ])("$staffId, $category → $rateBp ($why)", ({ staffId, category, rateBp }) => {
    expect(rateFor(rates, staffId, category)?.rateBp ?? null).toBe(rateBp);
  });
});
