// T10: commission per line. A covered line earns on the template's basis: the item's retail price,
// or the package price ÷ its total credits (rounded down, the remainder on the last credit: a 10,000
// package of 3 credits is worth 3,333 / 3,333 / 3,334). A paid line earns on what was paid. Products
// earn only when commissionEligible.
import { creditValue } from "./credit-value.js";

export interface CommissionInput {
  kind: "service" | "product" | "class_type" | "package_sale";
  commissionEligible: boolean;
  chargedMinor: number;
  retailPriceMinor: number;
  covered: null | {
    basis: "item_retail_price" | "package_price_per_credit";
    packagePriceMinor: number;
    packageCredits: number;
    /** which credit of the package this is, counting from 1 */
    creditIndex: number;
  };
}

export function commissionBase(line: CommissionInput): number {
  if (line.kind === "product" && !line.commissionEligible) return 0;
  if (!line.covered) return line.chargedMinor;
  if (line.covered.basis === "item_retail_price") return line.retailPriceMinor;
  const { packagePriceMinor, packageCredits, creditIndex } = line.covered;
  return creditValue(packagePriceMinor, packageCredits, Math.min(creditIndex, packageCredits));
}

// O4: what is owed on a line is its base × the staff member's rate, in basis points (1250 = 12.5 %),
// rounded half up to a whole minor unit per line: a salon pays line by line, and a total of rounded
// lines is what each line's receipt and the report both show.
export function commissionAmount(baseMinor: number, rateBp: number): number {
  // In BigInt: a base near the largest price (10^12) times 10,000 passes 2^53.
  return Number((BigInt(baseMinor) * BigInt(rateBp) + 5_000n) / 10_000n);
}

export interface CommissionRate {
  staffId: string;
  /** null: the staff member's rate for everything without a rate of its own */
  category: string | null;
  rateBp: number;
}

/**
 * The rate for a line: the staff member's rate for the item's category when there is one, else
 * their rate without a category, else none (null). Categories match whatever their letter case.
 */
export function rateFor(
  rates: readonly CommissionRate[],
  staffId: string,
  category: string | null,
): CommissionRate | null {
  const mine = rates.filter((r) => r.staffId === staffId);
  const key = category?.toLowerCase();
  return (
    (key !== undefined ? mine.find((r) => r.category?.toLowerCase() === key) : undefined) ??
    mine.find((r) => r.category === null) ??
    null
  );
}
