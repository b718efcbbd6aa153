// T2–T5, L8, P6: which lines a package covers at the till, and why.
import { Temporal } from "temporal-polyfill";
import { describe, expect, it } from "vitest";
import { type CoverableLine, type CreditSource, decideCoverage } from "../../src/domain/coverage.js";

const NOW = Temporal.Instant.from("2026-06-01T10:00:00Z");
const ctx = { now: NOW, locationId: "budapest", coverZeroPriceItems: false, hasCustomer: true };

const line = (
  id: string,
  itemId: string,
  priceMinor: number,
  extra: Partial<CoverableLine> = {},
): CoverableLine => ({
  id,
  position: Number(id.replace(/\D/g, "")) || 0,
  itemId,
  itemKind: "class_type",
  priceMinor,
  sellToClients: true,
  mode: "auto",
  ...extra,
});
const pkg = (id: string, itemId: string, free: number, extra: Partial<CreditSource> = {}): CreditSource => ({
  packageLineId: id,
  packageId: `pkg-${id}`,
  packageName: id,
  itemId,
  purchasedAt: Temporal.Instant.from("2026-01-01T00:00:00Z"),
  expiresAt: null,
  refunded: false,
  redeemableLocationIds: null,
  total: free,
  used: 0,
  booked: 0,
  ...extra,
});
const run = (lines: CoverableLine[], sources: CreditSource[], c = ctx) =>
  Object.fromEntries(decideCoverage(lines, sources, c).map((r) => [r.lineId, [r.packageLineId, r.reason]]));

describe("coverage rules", () => {
  it("T2: a line with an eligible credit is covered", () => {
    expect(run([line("l1", "yoga", 4000)], [pkg("p", "yoga", 1)])).toEqual({ l1: ["p", "covered_fifo"] });
  });

  it("T3: one credit, three eligible classes → the cheapest is covered", () => {
    expect(
      run(
        [line("l1", "yoga", 4000), line("l2", "yoga", 2500), line("l3", "yoga", 3000)],
        [pkg("p", "yoga", 1)],
      ),
    ).toEqual({
      l1: [null, "credits_used_by_cheaper_lines"],
      l2: ["p", "covered_fifo"],
      l3: [null, "credits_used_by_cheaper_lines"],
    });
  });

  it("more eligible lines than credits across several packages: FIFO fills the cheapest first", () => {
    const older = pkg("old", "yoga", 1, { purchasedAt: Temporal.Instant.from("2025-12-01T00:00:00Z") });
    const newer = pkg("new", "yoga", 1, { expiresAt: Temporal.Instant.from("2026-06-30T00:00:00Z") });
    expect(
      run([line("l1", "yoga", 5000), line("l2", "yoga", 3000), line("l3", "yoga", 4000)], [newer, older]),
    ).toEqual({
      l1: [null, "credits_used_by_cheaper_lines"],
      l2: ["old", "covered_fifo"],
      l3: ["new", "covered_fifo"],
    });
  });

  it("L8: FIFO by purchase, whatever the expiry", () => {
    const soonExpiring = pkg("soon", "yoga", 1, {
      purchasedAt: Temporal.Instant.from("2026-03-01T00:00:00Z"),
      expiresAt: Temporal.Instant.from("2026-06-02T00:00:00Z"),
    });
    const older = pkg("older", "yoga", 1, { purchasedAt: Temporal.Instant.from("2026-02-01T00:00:00Z") });
    expect(run([line("l1", "yoga", 4000)], [soonExpiring, older])).toEqual({ l1: ["older", "covered_fifo"] });
  });

  it("T4: zero-priced lines are not covered unless the setting is on", () => {
    expect(run([line("l1", "yoga", 0)], [pkg("p", "yoga", 1)])).toEqual({
      l1: [null, "zero_price_not_covered"],
    });
    expect(
      run([line("l1", "yoga", 0)], [pkg("p", "yoga", 1)], { ...ctx, coverZeroPriceItems: true }),
    ).toEqual({ l1: ["p", "covered_fifo"] });
  });

  it("T5: products only when in the package and sold to clients", () => {
    const oil = (sell: boolean) => line("l1", "oil", 1800, { itemKind: "product", sellToClients: sell });
    expect(run([oil(true)], [pkg("p", "oil", 1)])).toEqual({ l1: ["p", "covered_fifo"] });
    expect(run([oil(false)], [pkg("p", "oil", 1)])).toEqual({ l1: [null, "product_not_sold_to_clients"] });
    expect(run([oil(true)], [pkg("p", "cream", 1)])).toEqual({ l1: [null, "no_package_for_item"] });
  });

  it("P6: expired, refunded and fully used packages never cover", () => {
    expect(
      run(
        [line("l1", "yoga", 4000)],
        [pkg("p", "yoga", 2, { expiresAt: Temporal.Instant.from("2026-05-31T21:59:59.999Z") })],
      ),
    ).toEqual({
      l1: [null, "package_expired"],
    });
    expect(run([line("l1", "yoga", 4000)], [pkg("p", "yoga", 2, { refunded: true })])).toEqual({
      l1: [null, "package_refunded"],
    });
    expect(run([line("l1", "yoga", 4000)], [pkg("p", "yoga", 2, { used: 2 })])).toEqual({
      l1: [null, "no_credits_left"],
    });
  });

  it("staff can switch a line to paying, or to another package", () => {
    const a = pkg("a", "yoga", 1, { purchasedAt: Temporal.Instant.from("2025-01-01T00:00:00Z") });
    const b = pkg("b", "yoga", 1);
    expect(run([line("l1", "yoga", 4000, { mode: "paying" }), line("l2", "yoga", 4000)], [a, b])).toEqual({
      l1: [null, "paying_chosen"],
      l2: ["a", "covered_fifo"],
    });
    expect(
      run([line("l1", "yoga", 4000, { mode: { packageLineId: "b" } }), line("l2", "yoga", 4000)], [a, b]),
    ).toEqual({
      l1: ["b", "covered_chosen"],
      l2: ["a", "covered_fifo"],
    });
  });

  it("no customer on the ticket: nothing is covered", () => {
    expect(run([line("l1", "yoga", 4000)], [], { ...ctx, hasCustomer: false })).toEqual({
      l1: [null, "no_customer"],
    });
  });
});
