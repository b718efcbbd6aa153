// L8: when several packages can cover an item, the earliest purchased (or added) package is used
// first, whatever their expiry dates. Ties break on the package id so the choice is stable.
import type { Temporal } from "temporal-polyfill";
import type { AppError } from "./errors.js";
import { type PackageState, refuseTakingCredits, type TakeCreditsRequest } from "./ledger.js";
import type { Counters } from "./package-status.js";

export interface CandidateLine extends Counters {
  lineId: string;
  packageId: string;
  itemId: string;
  package: PackageState & { purchasedAt: Temporal.Instant };
}

export function fifoOrder<T extends { packageId: string; package: { purchasedAt: Temporal.Instant } }>(
  lines: readonly T[],
): T[] {
  return [...lines].sort(
    (a, b) =>
      a.package.purchasedAt.epochMilliseconds - b.package.purchasedAt.epochMilliseconds ||
      (a.packageId < b.packageId ? -1 : a.packageId > b.packageId ? 1 : 0),
  );
}

/** The first line, in FIFO order, that can give the credits; null when none can. */
export function chooseLineFifo(
  lines: readonly CandidateLine[],
  itemId: string,
  request: TakeCreditsRequest,
): CandidateLine | null {
  for (const line of fifoOrder(lines.filter((l) => l.itemId === itemId))) {
    if (refuseTakingCredits(line.package, line, request) === null) return line;
  }
  return null;
}

/**
 * G4: when no line can give the credits because the packages that could are paused then, that
 * refusal (package_paused, naming the pause), rather than "no eligible package".
 */
export function pausedRefusal(
  lines: readonly CandidateLine[],
  itemId: string,
  request: TakeCreditsRequest,
): AppError | null {
  for (const line of fifoOrder(lines.filter((l) => l.itemId === itemId))) {
    const refusal = refuseTakingCredits(line.package, line, request);
    if (refusal?.code === "package_paused") return refusal;
  }
  return null;
}
