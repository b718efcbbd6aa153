// P3, P4: expiry is the end of a local date in the purchase location's zone, DST included.

import fc from "fast-check";
import { Temporal } from "temporal-polyfill";
import { describe, expect, it } from "vitest";
import {
  computeExpiry,
  endOfLocalDay,
  instantIso,
  isExpiredAt,
  parseLocalDate,
} from "../../src/domain/validity.js";

const instant = (s: string) => Temporal.Instant.from(s);

describe("end of a local day (P3)", () => {
  it.each([
    {
      date: "2026-03-29",
      zone: "Europe/Budapest",
      end: "2026-03-29T21:59:59.999Z",
      why: "spring forward: CEST",
    },
    { date: "2026-10-25", zone: "Europe/Budapest", end: "2026-10-25T22:59:59.999Z", why: "fall back: CET" },
    {
      date: "2026-03-08",
      zone: "America/New_York",
      end: "2026-03-09T03:59:59.999Z",
      why: "spring forward: EDT",
    },
    { date: "2026-11-01", zone: "America/New_York", end: "2026-11-02T04:59:59.999Z", why: "fall back: EST" },
  ])("$date in $zone ends at $end ($why)", ({ date, zone, end }) => {
    expect(endOfLocalDay(Temporal.PlainDate.from(date), zone).toString()).toBe(end);
  });
});

describe("computeExpiry (P2, P3, P4)", () => {
  const bought = instant("2026-01-31T10:00:00Z"); // 11:00 in Budapest
  it.each([
    { rule: { kind: "days", count: 30 } as const, expiresOn: "2026-03-02" },
    {
      rule: { kind: "months", count: 1 } as const,
      expiresOn: "2026-02-28",
      why: "31 Jan + 1 month is constrained",
    },
    { rule: { kind: "months", count: 13 } as const, expiresOn: "2027-02-28" },
    { rule: { kind: "fixed_date", date: "2026-06-30" } as const, expiresOn: "2026-06-30" },
    { rule: { kind: "one_day" } as const, expiresOn: "2026-01-31" },
    { rule: { kind: "none" } as const, expiresOn: null },
  ])("$rule.kind → $expiresOn", ({ rule, expiresOn }) => {
    expect(computeExpiry(bought, "Europe/Budapest", rule).expiresOn).toBe(expiresOn);
  });

  it("uses the purchase location's calendar date, not the server's or UTC's", () => {
    const lateEvening = instant("2026-06-10T21:30:00Z"); // 23:30 CEST, still 10 June locally
    expect(computeExpiry(lateEvening, "Europe/Budapest", { kind: "one_day" }).expiresOn).toBe("2026-06-10");
    // 01:30 on 11 June in Auckland is still 10 June in New York.
    expect(computeExpiry(lateEvening, "America/New_York", { kind: "one_day" }).expiresOn).toBe("2026-06-10");
    expect(computeExpiry(lateEvening, "Pacific/Auckland", { kind: "one_day" }).expiresOn).toBe("2026-06-11");
  });

  it("a one-day package bought at 23:30 is expired at 00:01 (P4)", () => {
    const { expiresAt } = computeExpiry(instant("2026-06-10T21:30:00Z"), "Europe/Budapest", {
      kind: "one_day",
    });
    expect(isExpiredAt(expiresAt, instant("2026-06-10T21:59:00Z"))).toBe(false);
    expect(isExpiredAt(expiresAt, instant("2026-06-10T22:01:00Z"))).toBe(true);
  });
});

describe("parseLocalDate", () => {
  it.each(["2026-02-30", "2026-13-01", "26-01-01", "2026-1-1", "tomorrow", ""])("refuses %j", (value) => {
    expect(() => parseLocalDate(value, "expiresOn")).toThrow(
      expect.objectContaining({ code: "invalid_date", field: "expiresOn" }),
    );
  });
  it("accepts a real date", () => expect(parseLocalDate("2028-02-29", "d").toString()).toBe("2028-02-29"));
});

describe("an instant's ISO text (the ledger statement's occurredAt)", () => {
  it("is Temporal's own text for every instant, whole milliseconds or not", () => {
    const ms = fc.integer({ min: -8_640_000_000_000_000, max: 8_639_999_999_999_999 }); // Temporal's range
    fc.assert(
      fc.property(ms, fc.integer({ min: 0, max: 999_999 }), fc.boolean(), (epochMs, ns, whole) => {
        const i = Temporal.Instant.fromEpochNanoseconds(
          BigInt(epochMs) * 1_000_000n + BigInt(whole ? 0 : ns),
        );
        expect(instantIso(i)).toBe(i.toString());
      }),
      { numRuns: 2000 },
    );
    for (const s of [
      "2026-11-25T15:02:18Z",
      "2026-11-25T15:02:18.5Z",
      "2026-11-25T15:02:18.53Z",
      "1970-01-01T00:00:00Z",
    ]) {
      expect(instantIso(instant(s))).toBe(s);
    }
  });
});
