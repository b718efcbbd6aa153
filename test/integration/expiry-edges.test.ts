// P3, P4: a package is usable until 23:59:59.999 local time of its expiry date in the purchase
// location's zone, DST days included, whatever zone the server runs in.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadPackage } from "../../src/app/package-view.js";
import { redeemLine } from "../../src/app/redeem-credits.js";
import { type Scenario, scenario } from "../support/scenario.js";

let s: Scenario;
beforeAll(async () => {
  s = await scenario();
});
afterAll(async () => s.close());

describe.each([
  { date: "2026-03-29", zone: "Europe/Budapest", endsAt: "2026-03-29T21:59:59.999Z", loc: "budapest" },
  { date: "2026-10-25", zone: "Europe/Budapest", endsAt: "2026-10-25T22:59:59.999Z", loc: "budapest" },
  { date: "2026-03-08", zone: "America/New_York", endsAt: "2026-03-09T03:59:59.999Z", loc: "newYork" },
  { date: "2026-11-01", zone: "America/New_York", endsAt: "2026-11-02T04:59:59.999Z", loc: "newYork" },
] as const)("a package expiring $date in $zone", ({ date, zone, endsAt, loc }) => {
  it(`ends at ${endsAt}: a redeem at 23:59 local succeeds, at 00:01 is refused`, async () => {
    const locationId = s[loc];
    s.clock.set("2026-01-15T12:00:00Z");
    const template = await s.template({
      items: [{ itemId: s.items.manicure, quantity: 5 }],
      validity: { kind: "fixed_date", date },
    });
    const pkg = await s.sold(template, { locationId });
    const view = await loadPackage(s.database.db, s.businessId, pkg.packageId, s.clock.now);
    expect(view).toMatchObject({ expiresOn: date, expiresAt: endsAt, timeZone: zone });

    s.clock.setLocal(`${date}T23:59`, zone);
    const ok = await redeemLine(s.as("front_desk", locationId), { lineId: pkg.lineId, quantity: 1 });
    expect(ok.counters.used).toBe(1);

    s.clock.setLocal(`${date}T23:59`, zone);
    s.clock.advance({ minutes: 2 });
    await expect(
      redeemLine(s.as("front_desk", locationId), { lineId: pkg.lineId, quantity: 1 }),
    ).rejects.toMatchObject({
      code: "package_expired",
    });
    expect((await loadPackage(s.database.db, s.businessId, pkg.packageId, s.clock.now)).status).toBe(
      "expired",
    );
  });
});

describe("one-day packages (P4)", () => {
  it("bought at 23:30 local, refused at 00:01", async () => {
    const template = await s.template({
      items: [{ itemId: s.items.massage, quantity: 2 }],
      validity: { kind: "one_day" },
    });
    s.clock.setLocal("2026-07-14T23:30", "Europe/Budapest");
    const pkg = await s.sold(template);
    const view = await loadPackage(s.database.db, s.businessId, pkg.packageId, s.clock.now);
    expect(view.expiresOn).toBe("2026-07-14");
    await redeemLine(s.as("front_desk"), { lineId: pkg.lineId, quantity: 1 });
    s.clock.setLocal("2026-07-15T00:01", "Europe/Budapest");
    await expect(redeemLine(s.as("front_desk"), { lineId: pkg.lineId, quantity: 1 })).rejects.toMatchObject({
      code: "package_expired",
    });
  });

  it("the server's own zone plays no part", () => {
    expect(process.env.TZ).toBe("Pacific/Auckland");
  });
});
