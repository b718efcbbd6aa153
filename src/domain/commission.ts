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
