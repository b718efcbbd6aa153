// The credit lifecycle (SPEC "Credit lifecycle"): what each movement does to a line's counters, and
// the checks that decide whether a movement may be written, in a fixed order of precedence so that
// the same situation always gets the same answer.
import { Temporal } from "temporal-polyfill";
import { type AppError, conflict } from "./errors.js";
import { type Counters, remainingOf } from "./package-status.js";
import { isExpiredAt } from "./validity.js";

export type MovementKind =
  | "grant"
  | "add"
  | "deduct"
  | "reserve"
  | "release"
  | "consume"
  | "redeem"
  | "restore"
  | "expire"
  | "unexpire"
  // O5: a package bought in another system: the credits bought there, then those already used there
  | "import"
  | "import_used"
  // G3: free credits moved to another customer's package, and their arrival there
  | "transfer_out"
  | "transfer_in";

export interface Delta {
  total: number;
  used: number;
  booked: number;
  expired: number;
}

/** The effect of one movement of `quantity` credits on a line's counters. */
export function movementDelta(kind: MovementKind, quantity: number): Delta {
  const d = { total: 0, used: 0, booked: 0, expired: 0 };
  switch (kind) {
    case "grant":
    case "add":
    case "import":
    case "transfer_in":
      d.total = quantity;
      break;
    case "transfer_out":
      d.total = -quantity;
      break;
    case "deduct":
    case "redeem":
    case "import_used":
      d.used = quantity;
      break;
    case "reserve":
      d.booked = quantity;
      break;
    case "release":
      d.booked = -quantity;
      break;
    case "consume":
      d.booked = -quantity;
      d.used = quantity;
      break;
    case "restore":
      d.used = -quantity;
      break;
    case "expire":
      d.expired = quantity;
      break;
    case "unexpire":
      d.expired = -quantity;
      break;
  }
  return d;
}

/** Movements that take free credits: they need that many remaining. */
export const TAKES_FREE_CREDITS: ReadonlySet<MovementKind> = new Set([
  "deduct",
  "redeem",
  "reserve",
  "transfer_out",
]);
/** Movements that use a credit for a service: the package must be valid for that service. */
export const NEEDS_VALID_PACKAGE: ReadonlySet<MovementKind> = new Set(["redeem", "reserve"]);
/** Movements a manager can undo with a restore. */
export const UNDOABLE: ReadonlySet<MovementKind> = new Set(["redeem", "consume", "deduct"]);

export interface PackageState {
  refundedAt: Temporal.Instant | null;
  purchasedAt: Temporal.Instant;
  expiresAt: Temporal.Instant | null;
  /** null = every location */
  redeemableLocationIds: readonly string[] | null;
  /** G4: no credit is taken for a service inside one of these */
  pauses?: readonly PauseSpan[] | undefined;
}

export interface PauseSpan {
  startsOn: string;
  endsOn: string;
  /** the start of the first paused day, in the package's zone */
  startsAt: Temporal.Instant;
  /** the end of the last paused day (exclusive) */
  endsAt: Temporal.Instant;
}

/** The pause a service at `at` falls in, if any. */
export function pauseAt(pauses: readonly PauseSpan[] | undefined, at: Temporal.Instant): PauseSpan | null {
  for (const p of pauses ?? []) {
    if (Temporal.Instant.compare(at, p.startsAt) >= 0 && Temporal.Instant.compare(at, p.endsAt) < 0) return p;
  }
  return null;
}

export interface TakeCreditsRequest {
  kind: MovementKind;
  quantity: number;
  /** when the service happens: now for a redeem, the start for a booking */
  serviceAt: Temporal.Instant;
  locationId: string | null;
}

/**
 * Why credits cannot be taken from this line, or null when they can. Checked in this order:
 * refunded, not yet purchased, expired, paused, wrong location, too few credits.
 */
export function refuseTakingCredits(
  pkg: PackageState,
  line: Counters,
  request: TakeCreditsRequest,
): AppError | null {
  if (pkg.refundedAt)
    return conflict("package_refunded", "This package was refunded; its credits cannot be used.");
  if (NEEDS_VALID_PACKAGE.has(request.kind)) {
    if (request.serviceAt.epochMilliseconds < pkg.purchasedAt.epochMilliseconds) {
      return conflict("package_not_yet_valid", "The package was bought after this service.");
    }
    if (isExpiredAt(pkg.expiresAt, request.serviceAt)) {
      return conflict("package_expired", "The package has expired; its credits cannot be used.");
    }
    const pause = pauseAt(pkg.pauses, request.serviceAt);
    if (pause) {
      return conflict(
        "package_paused",
        `The package is paused from ${pause.startsOn} to ${pause.endsOn}; its credits cannot be used on those days.`,
      );
    }
    if (
      request.locationId !== null &&
      pkg.redeemableLocationIds !== null &&
      !pkg.redeemableLocationIds.includes(request.locationId)
    ) {
      return conflict("package_not_valid_at_location", "This package cannot be redeemed at this location.");
    }
  }
  if (TAKES_FREE_CREDITS.has(request.kind) && remainingOf(line) < request.quantity) {
    return conflict(
      "insufficient_credits",
      remainingOf(line) === 0
        ? "No credits left on this package line."
        : `Only ${remainingOf(line)} credit(s) left on this package line.`,
      "quantity",
    );
  }
  return null;
}

export function applyDelta<C extends Counters & { expired?: number }>(c: C, d: Delta): C {
  return {
    ...c,
    total: c.total + d.total,
    used: c.used + d.used,
    booked: c.booked + d.booked,
    ...(c.expired !== undefined ? { expired: c.expired + d.expired } : {}),
  };
}

/** The invariant the database also enforces. */
export const countersValid = (c: Counters) => c.used >= 0 && c.booked >= 0 && c.used + c.booked <= c.total;
