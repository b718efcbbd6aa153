// Which ticket lines a customer's packages cover (T2–T5, L8, P6), and why or why not. Pure: the
// till loads the ticket and the packages, asks this module, then reserves what it says.
//
// Rules, in order:
// 1. A line the staff switched to paying is paid. A line the staff pinned to a package is covered by
//    it when that package can (else it says why).
// 2. Lines priced 0 are not covered unless the business covers zero-price items (T4).
// 3. Products only when included in the package and sold to clients (T5).
// 4. With fewer credits than eligible lines, the cheapest lines are covered first (T3).
// 5. Each line takes a credit from the earliest purchased package that has one, whatever the
//    expiry (L8); expired, refunded and fully used packages never cover (P6).
import type { Temporal } from "temporal-polyfill";
import { type PauseSpan, refuseTakingCredits } from "./ledger.js";

export interface CoverableLine {
  id: string;
  position: number;
  itemId: string;
  itemKind: "service" | "product" | "class_type";
  priceMinor: number;
  sellToClients: boolean;
  /** auto = let the rules decide; paying = staff chose to charge; otherwise the package line pinned */
  mode: "auto" | "paying" | { packageLineId: string };
}

export interface CreditSource {
  packageLineId: string;
  packageId: string;
  packageName: string;
  itemId: string;
  purchasedAt: Temporal.Instant;
  expiresAt: Temporal.Instant | null;
  refunded: boolean;
  redeemableLocationIds: readonly string[] | null;
  /** G4: no credit is taken on a paused day */
  pauses?: readonly PauseSpan[] | undefined;
  total: number;
  used: number;
  /** booked by others (not by this ticket) */
  booked: number;
}

export type CoverageReason =
  | "covered_fifo"
  | "covered_chosen"
  | "paying_chosen"
  | "no_customer"
  | "no_package_for_item"
  | "zero_price_not_covered"
  | "product_not_sold_to_clients"
  | "package_expired"
  | "package_paused"
  | "package_refunded"
  | "package_not_valid_at_location"
  | "no_credits_left"
  | "credits_used_by_cheaper_lines";

export interface Coverage {
  lineId: string;
  packageLineId: string | null;
  reason: CoverageReason;
}

export interface CoverageContext {
  now: Temporal.Instant;
  locationId: string;
  coverZeroPriceItems: boolean;
  hasCustomer: boolean;
}

export const COVERAGE_EXPLANATION: Record<CoverageReason, string> = {
  covered_fifo: "Covered by the earliest bought package with a credit for this item.",
  covered_chosen: "Covered by the package chosen by staff.",
  paying_chosen: "Staff chose to charge this line.",
  no_customer: "No customer on the ticket.",
  no_package_for_item: "The customer has no package that includes this item.",
  zero_price_not_covered: "Items priced 0 are not covered by packages (business setting).",
  product_not_sold_to_clients: "This product is not sold to clients, so packages cannot cover it.",
  package_expired: "The package has expired.",
  package_paused: "The package is paused on this day.",
  package_refunded: "The package was refunded.",
  package_not_valid_at_location: "The package cannot be used at this location.",
  no_credits_left: "No credit left for this item.",
  credits_used_by_cheaper_lines: "The credits left cover cheaper lines on this ticket.",
};

export function decideCoverage(
  lines: readonly CoverableLine[],
  sources: readonly CreditSource[],
  ctx: CoverageContext,
): Coverage[] {
  const free = new Map(sources.map((s) => [s.packageLineId, s.total - s.used - s.booked]));
  const take = (s: CreditSource) => free.set(s.packageLineId, (free.get(s.packageLineId) ?? 0) - 1);
  const refusal = (s: CreditSource): CoverageReason | null => {
    const error = refuseTakingCredits(
      {
        refundedAt: s.refunded ? ctx.now : null,
        purchasedAt: s.purchasedAt,
        expiresAt: s.expiresAt,
        redeemableLocationIds: s.redeemableLocationIds,
        pauses: s.pauses,
      },
      { total: s.total, used: s.used, booked: s.total - s.used - (free.get(s.packageLineId) ?? 0) },
      { kind: "reserve", quantity: 1, serviceAt: ctx.now, locationId: ctx.locationId },
    );
    if (!error) return null;
    return error.code === "insufficient_credits" ? "no_credits_left" : (error.code as CoverageReason);
  };
  const fifo = [...sources].sort(
    (a, b) =>
      a.purchasedAt.epochMilliseconds - b.purchasedAt.epochMilliseconds ||
      a.packageId.localeCompare(b.packageId),
  );
  const result = new Map<string, Coverage>();
  const set = (line: CoverableLine, packageLineId: string | null, reason: CoverageReason) =>
    result.set(line.id, { lineId: line.id, packageLineId, reason });

  const gate = (line: CoverableLine): CoverageReason | null => {
    if (!ctx.hasCustomer) return "no_customer";
    if (line.priceMinor === 0 && !ctx.coverZeroPriceItems) return "zero_price_not_covered";
    if (line.itemKind === "product" && !line.sellToClients) return "product_not_sold_to_clients";
    if (!sources.some((s) => s.itemId === line.itemId)) return "no_package_for_item";
    return null;
  };

  // 1. Staff decisions first.
  for (const line of lines) {
    if (line.mode === "paying") set(line, null, "paying_chosen");
    else if (line.mode !== "auto") {
      const pinned = line.mode.packageLineId;
      const source = sources.find((s) => s.packageLineId === pinned && s.itemId === line.itemId);
      const blocked = gate(line) ?? (source ? refusal(source) : "no_package_for_item");
      if (source && !blocked) {
        take(source);
        set(line, source.packageLineId, "covered_chosen");
      } else set(line, null, blocked ?? "no_package_for_item");
    }
  }
  // 2–5. The rest, cheapest first.
  const auto = lines
    .filter((l) => l.mode === "auto")
    .sort((a, b) => a.priceMinor - b.priceMinor || a.position - b.position);
  for (const line of auto) {
    const blocked = gate(line);
    if (blocked) {
      set(line, null, blocked);
      continue;
    }
    const candidates = fifo.filter((s) => s.itemId === line.itemId);
    const source = candidates.find((s) => refusal(s) === null);
    if (source) {
      take(source);
      set(line, source.packageLineId, "covered_fifo");
      continue;
    }
    // Say why: the reason of the first package, unless credits went to cheaper lines of this ticket.
    const reasons = candidates.map(refusal);
    const hadCredits = candidates.some(
      (s) => s.total - s.used - s.booked > 0 && refusal(s) === "no_credits_left",
    );
    set(line, null, hadCredits ? "credits_used_by_cheaper_lines" : (reasons[0] ?? "no_package_for_item"));
  }
  return lines.map((l) => result.get(l.id)!);
}
