// The credit lifecycle table, the refusal order, FIFO (L8), statuses (P5) and UNLIMITED (P10).
import { Temporal } from "temporal-polyfill";
import { describe, expect, it } from "vitest";
import { chooseLineFifo } from "../../src/domain/fifo.js";
import { applyDelta, countersValid, movementDelta, refuseTakingCredits } from "../../src/domain/ledger.js";
import { isUnlimited, packageStatus } from "../../src/domain/package-status.js";

const at = (s: string) => Temporal.Instant.from(s);
const NOW = at("2026-06-01T10:00:00Z");

describe("movement effects (SPEC credit lifecycle)", () => {
  const start = { total: 10, used: 2, booked: 1, expired: 0 };
  it.each([
    { kind: "grant", after: { total: 13, used: 2, booked: 1 } },
    { kind: "add", after: { total: 13, used: 2, booked: 1 } },
    { kind: "deduct", after: { total: 10, used: 5, booked: 1 } },
    { kind: "redeem", after: { total: 10, used: 5, booked: 1 } },
    { kind: "reserve", after: { total: 10, used: 2, booked: 4 } },
    { kind: "release", after: { total: 10, used: 2, booked: -2 } },
    { kind: "consume", after: { total: 10, used: 5, booked: -2 } },
    { kind: "restore", after: { total: 10, used: -1, booked: 1 } },
  ] as const)("$kind of 3", ({ kind, after }) => {
    expect(applyDelta(start, movementDelta(kind, 3))).toMatchObject(after);
  });
  it("expire and unexpire touch only the written-off count", () => {
    expect(applyDelta(start, movementDelta("expire", 7))).toEqual({ ...start, expired: 7 });
    expect(applyDelta({ ...start, expired: 7 }, movementDelta("unexpire", 7))).toEqual(start);
  });
  it("the invariant refuses what the database refuses", () => {
    expect(countersValid({ total: 5, used: 5, booked: 0 })).toBe(true);
    expect(countersValid({ total: 5, used: 5, booked: 1 })).toBe(false);
    expect(countersValid({ total: 5, used: -1, booked: 0 })).toBe(false);
  });
});

describe("refusals, in order of precedence", () => {
  const pkg = {
    refundedAt: null,
    purchasedAt: at("2026-01-01T00:00:00Z"),
    expiresAt: at("2026-05-31T21:59:59.999Z"),
    redeemableLocationIds: ["loc-a"],
  };
  const empty = { total: 5, used: 5, booked: 0 };
  const request = { kind: "redeem" as const, quantity: 1, serviceAt: NOW, locationId: "loc-b" };
  it("refunded beats everything", () => {
    expect(refuseTakingCredits({ ...pkg, refundedAt: NOW }, empty, request)?.code).toBe("package_refunded");
  });
  it("then expired", () => expect(refuseTakingCredits(pkg, empty, request)?.code).toBe("package_expired"));
  it("then location", () =>
    expect(refuseTakingCredits({ ...pkg, expiresAt: null }, empty, request)?.code).toBe(
      "package_not_valid_at_location",
    ));
  it("then credits", () =>
    expect(
      refuseTakingCredits({ ...pkg, expiresAt: null }, empty, { ...request, locationId: "loc-a" })?.code,
    ).toBe("insufficient_credits"));
  it("a booking judged at the service start: before expiry is fine even if consumed later", () => {
    expect(
      refuseTakingCredits(
        pkg,
        { total: 5, used: 0, booked: 0 },
        { ...request, kind: "reserve", serviceAt: at("2026-05-31T20:00:00Z"), locationId: "loc-a" },
      ),
    ).toBeNull();
  });
  it("a service before the purchase is refused", () => {
    expect(
      refuseTakingCredits(
        pkg,
        { total: 5, used: 0, booked: 0 },
        { ...request, serviceAt: at("2025-12-31T00:00:00Z"), locationId: null },
      )?.code,
    ).toBe("package_not_yet_valid");
  });
  it("adds are never refused for credits", () => {
    expect(refuseTakingCredits(pkg, empty, { ...request, kind: "add" })).toBeNull();
  });
});

describe("FIFO (L8)", () => {
  const line = (id: string, purchased: string, expires: string | null, free = 1) => ({
    lineId: id,
    packageId: `p-${id}`,
    itemId: "manicure",
    total: 5,
    used: 5 - free,
    booked: 0,
    package: {
      refundedAt: null,
      purchasedAt: at(purchased),
      expiresAt: expires ? at(expires) : null,
      redeemableLocationIds: null,
    },
  });
  const request = { kind: "redeem" as const, quantity: 1, serviceAt: NOW, locationId: null };
  it("the earliest purchased first, whatever the expiry", () => {
    const older = line("older", "2026-01-01T00:00:00Z", "2026-12-31T00:00:00Z");
    const newer = line("newer", "2026-02-01T00:00:00Z", "2026-06-30T00:00:00Z");
    expect(chooseLineFifo([newer, older], "manicure", request)?.lineId).toBe("older");
  });
  it("skips expired and fully used packages (P6)", () => {
    const expired = line("expired", "2025-01-01T00:00:00Z", "2025-12-31T00:00:00Z");
    const used = line("used", "2025-06-01T00:00:00Z", null, 0);
    const good = line("good", "2026-03-01T00:00:00Z", null);
    expect(chooseLineFifo([good, used, expired], "manicure", request)?.lineId).toBe("good");
  });
  it("none eligible → null", () => {
    expect(chooseLineFifo([line("x", "2026-01-01T00:00:00Z", null, 0)], "manicure", request)).toBeNull();
    expect(chooseLineFifo([line("x", "2026-01-01T00:00:00Z", null)], "pedicure", request)).toBeNull();
  });
});

describe("status (P5): Refunded > Fully Used > Expired > Active", () => {
  const past = at("2026-05-01T00:00:00Z");
  const future = at("2026-07-01T00:00:00Z");
  it.each([
    { refundedAt: NOW, expiresAt: past, lines: [{ total: 5, used: 5, booked: 0 }], status: "refunded" },
    { refundedAt: null, expiresAt: past, lines: [{ total: 5, used: 5, booked: 0 }], status: "fully_used" },
    { refundedAt: null, expiresAt: past, lines: [{ total: 5, used: 3, booked: 0 }], status: "expired" },
    { refundedAt: null, expiresAt: future, lines: [{ total: 5, used: 4, booked: 1 }], status: "active" },
    {
      refundedAt: null,
      expiresAt: null,
      lines: [
        { total: 5, used: 5, booked: 0 },
        { total: 1, used: 0, booked: 0 },
      ],
      status: "active",
    },
  ] as const)("$status", ({ refundedAt, expiresAt, lines, status }) => {
    expect(packageStatus({ refundedAt, expiresAt }, lines, NOW)).toBe(status);
  });
  it("UNLIMITED above 100 remaining (P10)", () => {
    expect(isUnlimited({ total: 101, used: 0, booked: 0 })).toBe(true);
    expect(isUnlimited({ total: 150, used: 50, booked: 0 })).toBe(false);
  });
});
