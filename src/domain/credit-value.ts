// What a credit is worth (P8, R1, R5, T10). The package price is shared among its lines in
// proportion to retail price × credits; each line's share is split over the credits it was sold
// with, rounded down, the remainder on the last credit. Credits added by hand are worth 0.

export interface LineForAllocation {
  retailPriceMinor: number;
  credits: number;
}

/** Each line's share of the package price; the shares add up to the price exactly. */
export function allocatePackagePrice(priceMinor: number, lines: readonly LineForAllocation[]): number[] {
  const weights = lines.map((l) => l.retailPriceMinor * l.credits);
  const totalWeight = weights.reduce((a, b) => a + b, 0);
  if (lines.length === 0) return [];
  // With no retail prices to go by, share by credits alone.
  const basis = totalWeight > 0 ? weights : lines.map((l) => l.credits);
  const basisTotal = basis.reduce((a, b) => a + b, 0);
  const shares = basis.map((w) => Math.floor((priceMinor * w) / basisTotal));
  const allocated = shares.reduce((a, b) => a + b, 0);
  shares[shares.length - 1]! += priceMinor - allocated;
  return shares;
}

/** The worth of credit number `index` (1-based) of a line sold with `granted` credits. */
export function creditValue(lineValueMinor: number, granted: number, index: number): number {
  if (index < 1 || index > granted) return 0;
  const base = Math.floor(lineValueMinor / granted);
  return index < granted ? base : lineValueMinor - base * (granted - 1);
}

/**
 * The worth of the credits numbered from+1 … to. Credits are used in order, so a movement taking a
 * line's used count from 3 to 5 is worth credits 4 and 5; undoing it returns the same worth.
 */
export function creditRangeValue(lineValueMinor: number, granted: number, from: number, to: number): number {
  const lo = Math.max(0, Math.min(from, to));
  const hi = Math.min(granted, Math.max(from, to));
  if (hi <= lo) return 0;
  const base = Math.floor(lineValueMinor / granted);
  const last = lineValueMinor - base * (granted - 1);
  return hi === granted ? base * (hi - lo - 1) + last : base * (hi - lo);
}

export interface CreditValueOfLine {
  /** the line's share of the package price */
  lineValueMinor: number;
  /** what each credit but the last is worth */
  creditMinor: number;
  /** what the last credit is worth: the rounding remainder lands here */
  lastCreditMinor: number;
}

/**
 * O3: what one credit of each line will be worth when a package of this price is sold, by the same
 * rule (and the same code) the sale uses: the template editor's preview.
 */
export function creditValuesOf(priceMinor: number, lines: readonly LineForAllocation[]): CreditValueOfLine[] {
  return allocatePackagePrice(priceMinor, lines).map((share, i) => {
    const credits = lines[i]!.credits;
    return {
      lineValueMinor: share,
      creditMinor: creditValue(share, credits, 1),
      lastCreditMinor: creditValue(share, credits, credits),
    };
  });
}
