// P5: statuses are derived from the counters and the clock, never stored.
// Precedence: Refunded > Fully Used > Expired > Active.
import type { Temporal } from "temporal-polyfill";
import { isExpiredAt } from "./validity.js";

export type PackageStatus = "active" | "fully_used" | "expired" | "refunded";

export interface Counters {
  total: number;
  used: number;
  booked: number;
}

export const remainingOf = (c: Counters) => c.total - c.used - c.booked;

export function packageStatus(
  pkg: { refundedAt: Temporal.Instant | null; expiresAt: Temporal.Instant | null },
  lines: readonly Counters[],
  now: Temporal.Instant,
): PackageStatus {
  if (pkg.refundedAt) return "refunded";
  if (lines.every((l) => remainingOf(l) === 0 && l.booked === 0)) return "fully_used";
  if (isExpiredAt(pkg.expiresAt, now)) return "expired";
  return "active";
}

/** P10: a line with more than 100 credits left reads UNLIMITED. */
export const UNLIMITED_ABOVE = 100;
export const isUnlimited = (c: Counters) => remainingOf(c) > UNLIMITED_ABOVE;
