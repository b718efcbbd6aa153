// O3, P1, P2: the catalog as the screens use it, through the real server on both databases: items
// with a category and archiving, package templates with their credit-value preview, edits that
// never reach packages already sold, and locations whose currency and zone change only when safe.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { allocatePackagePrice, creditValue } from "../../src/domain/credit-value.js";
import { type Api, startApi } from "../support/http.js";
import { addBusiness, rowCounts, type Scenario, scenario } from "../support/scenario.js";

let s: Scenario;
let api: Api;
beforeEach(async () => {
  s = await scenario();
  api = await startApi(s);
});
afterEach(async () => {
  await api.close();
  await s.close();
});

async function ok<T = Record<string, unknown>>(
  role: Parameters<Api["call"]>[0],
  method: Parameters<Api["call"]>[1],
  url: string,
  body?: unknown,
): Promise<T> {
  const res = await api.call(role, method, url, body);
  if (res.statusCode >= 300) throw new Error(`${method} ${url}: ${res.statusCode} ${res.body}`);
  return res.json() as T;
}

interface ItemAnswer {
  id: string;
  name: string;
  category: string | null;
  active: boolean;
}

const service = (name: string, huf: number, extra: Record<string, unknown> = {}) =>
  ok<ItemAnswer>("manager", "POST", "/api/v1/items", {
    kind: "service",
    name,
    prices: { HUF: huf },
    durationMinutes: 45,
    ...extra,
  });

describe("items: category and archive (O3, P1)", () => {
  it("a category is free text; a second spelling takes the one in use; the list hides archived items unless asked", async () => {
    const gel = await service("Gel manicure", 1_400_000, { category: "Nails" });
    expect(gel).toMatchObject({ category: "Nails", active: true });
    const french = await service("French manicure", 1_300_000, { category: "  nails " });
    expect(french.category).toBe("Nails");
    const cream = await ok<ItemAnswer>("manager", "POST", "/api/v1/items", {
      kind: "product",
      name: "Hand cream",
      prices: { HUF: 600_000, USD: 2_400 },
      sellToClients: true,
      commissionEligible: false,
      category: "Retail",
    });
    expect(cream).toMatchObject({ sellToClients: true, commissionEligible: false, category: "Retail" });

    const archived = await ok<ItemAnswer>("manager", "PATCH", `/api/v1/items/${french.id}`, {
      active: false,
    });
    expect(archived.active).toBe(false);
    const listed = await ok<ItemAnswer[]>("practitioner", "GET", "/api/v1/items");
    expect(listed.map((i) => i.id)).toContain(gel.id);
    expect(listed.map((i) => i.id)).not.toContain(french.id);
    const all = await ok<ItemAnswer[]>("manager", "GET", "/api/v1/items?includeArchived=true");
    expect(all.find((i) => i.id === french.id)).toMatchObject({ active: false, category: "Nails" });

    // The only item spelled "nails" may correct its own spelling; clearing it is null.
    const lone = await service("Nail art", 500_000, { category: "nail art" });
    expect(
      (await ok<ItemAnswer>("manager", "PATCH", `/api/v1/items/${lone.id}`, { category: "Nail art" }))
        .category,
    ).toBe("Nail art");
    expect(
      (await ok<ItemAnswer>("manager", "PATCH", `/api/v1/items/${lone.id}`, { category: null })).category,
    ).toBeNull();

    const [entry] = (
      await ok<{ items: Array<{ details: Record<string, unknown> }> }>(
        "owner",
        "GET",
        "/api/v1/activity?action=update_item",
      )
    ).items;
    expect(entry!.details).toMatchObject({ changes: { category: { from: "Nail art", to: null } } });
  });

  it("refuses a category that is empty or spoofs the screen, naming the field", async () => {
    for (const category of ["", "Nails\u202e", "a".repeat(101)]) {
      const res = await api.call("manager", "POST", "/api/v1/items", {
        kind: "service",
        name: "Spoof",
        prices: { HUF: 1 },
        category,
      });
      expect(res.statusCode).toBe(400);
      expect(res.json().error.field).toBe("category");
    }
  });

  it("an archived item joins no new template, ticket, paid booking or class session; sold packages of it keep working", async () => {
    const sold = await s.sold(
      await s.template({ name: "5x Manicure", items: [{ itemId: s.items.manicure, quantity: 5 }] }),
    );
    const withYoga = await s.template({ name: "Yoga pass", items: [{ itemId: s.items.yoga, quantity: 5 }] });
    await ok("manager", "PATCH", `/api/v1/items/${s.items.manicure}`, { active: false });
    await ok("manager", "PATCH", `/api/v1/items/${s.items.yoga}`, { active: false });
    const before = await rowCounts(s.database);

    const template = await api.call("manager", "POST", "/api/v1/templates", {
      kind: "course",
      name: "3x Manicure",
      prices: { HUF: 3_000_000 },
      validity: { kind: "none" },
      items: [{ itemId: s.items.manicure, quantity: 3 }],
    });
    expect(template.statusCode).toBe(409);
    expect(template.json().error).toMatchObject({ code: "item_inactive", field: "items" });

    const stranger = await s.customer("Walk-in Wanda");
    const paidTicket = await ok<{ id: string }>("front_desk", "POST", "/api/v1/tickets", {
      customerId: stranger,
    });
    const countsBefore = await rowCounts(s.database);
    const paidLine = await api.call("front_desk", "POST", `/api/v1/tickets/${paidTicket.id}/lines`, {
      itemId: s.items.manicure,
    });
    expect(paidLine.json().error).toMatchObject({ code: "item_inactive", field: "itemId" });

    const paidBooking = await api.call("front_desk", "POST", "/api/v1/appointments", {
      customerId: stranger,
      staffId: s.staff.practitioner.staffId,
      startAt: "2026-06-03T08:00:00Z",
      services: [{ itemId: s.items.manicure }],
    });
    expect(paidBooking.statusCode).toBe(409);
    expect(paidBooking.json().error).toMatchObject({ code: "item_inactive", field: "services" });

    const session = await api.call("manager", "POST", "/api/v1/class-sessions", {
      itemId: s.items.yoga,
      instructorId: s.staff.practitioner.staffId,
      startAt: "2026-06-10T16:00:00Z",
      capacity: 10,
    });
    expect(session.json().error).toMatchObject({ code: "item_inactive", field: "itemId" });
    expect(await rowCounts(s.database)).toEqual(countsBefore);
    expect(before.package_templates).toBe(countsBefore.package_templates);

    // The customer who holds manicures still books one from her package and redeems one at the till.
    const booked = await ok<{ fromPackage: boolean }>("front_desk", "POST", "/api/v1/appointments", {
      customerId: sold.customerId,
      staffId: s.staff.practitioner.staffId,
      startAt: "2026-06-03T08:00:00Z",
      services: [{ itemId: s.items.manicure, usePackage: true }],
    });
    expect(booked.fromPackage).toBe(true);
    const ticket = await ok<{ id: string }>("front_desk", "POST", "/api/v1/tickets", {
      customerId: sold.customerId,
    });
    const covered = await ok<{ lines: Array<{ covered: boolean }> }>(
      "front_desk",
      "POST",
      `/api/v1/tickets/${ticket.id}/lines`,
      { itemId: s.items.manicure },
    );
    expect(covered.lines[0]!.covered).toBe(true);
    // And a template that already had the item keeps it through an edit of its price.
    const edited = await api.call("manager", "PATCH", `/api/v1/templates/${withYoga}`, {
      prices: { HUF: 6_000_000 },
      items: [{ itemId: s.items.yoga, quantity: 6 }],
    });
    expect(edited.statusCode).toBe(200);
    expect(edited.json().items).toEqual([expect.objectContaining({ itemActive: false, quantity: 6 })]);
  });
});

interface Preview {
  totalCredits: number;
  currencies: Array<{
    currency: string;
    priceMinor: number;
    lines: Array<{
      itemId: string;
      retailPriceMinor: number | null;
      lineValueMinor: number;
      creditMinor: number;
      lastCreditMinor: number;
    }>;
    packagePricePerCredit: { creditMinor: number; lastCreditMinor: number };
  }>;
}

describe("package templates and their preview (O3, P2)", () => {
  // The rows of test/unit/credit-value.test.ts, priced in HUF.
  const TABLE = [
    {
      rule: "10,000 over 3 credits: 3,333 / 3,333 / 3,334",
      price: 10_000,
      lines: [{ retail: 450_000, credits: 3 }],
      values: [{ lineValueMinor: 10_000, creditMinor: 3_333, lastCreditMinor: 3_334 }],
    },
    {
      rule: "shares by retail price × credits: 2 × 22,000 and 2 × 25,000 of 94,000",
      price: 94_000,
      lines: [
        { retail: 22_000, credits: 2 },
        { retail: 25_000, credits: 2 },
      ],
      values: [
        { lineValueMinor: 44_000, creditMinor: 22_000, lastCreditMinor: 22_000 },
        { lineValueMinor: 50_000, creditMinor: 25_000, lastCreditMinor: 25_000 },
      ],
    },
    {
      rule: "falls back to credits when nothing has a retail price: 900 over 1 and 2",
      price: 900,
      lines: [
        { retail: 0, credits: 1 },
        { retail: 0, credits: 2 },
      ],
      values: [
        { lineValueMinor: 300, creditMinor: 300, lastCreditMinor: 300 },
        { lineValueMinor: 600, creditMinor: 300, lastCreditMinor: 300 },
      ],
    },
  ];

  for (const row of TABLE) {
    it(`the preview is the credit value rule, and the sale agrees: ${row.rule}`, async () => {
      const items = [];
      for (const [i, l] of row.lines.entries()) items.push(await service(`Item ${i}`, l.retail));
      const body = {
        prices: { HUF: row.price },
        items: items.map((item, i) => ({ itemId: item.id, quantity: row.lines[i]!.credits })),
      };
      const preview = await ok<Preview>("manager", "POST", "/api/v1/templates/preview", body);
      const huf = preview.currencies[0]!;
      expect(
        huf.lines.map(({ lineValueMinor, creditMinor, lastCreditMinor }) => ({
          lineValueMinor,
          creditMinor,
          lastCreditMinor,
        })),
      ).toEqual(row.values);
      // The same numbers as the domain's own functions, and as the package a customer buys.
      const shares = allocatePackagePrice(
        row.price,
        row.lines.map((l) => ({ retailPriceMinor: l.retail, credits: l.credits })),
      );
      expect(huf.lines.map((l) => l.lineValueMinor)).toEqual(shares);
      expect(
        huf.lines.map(
          (l, i) =>
            l.lastCreditMinor === creditValue(shares[i]!, row.lines[i]!.credits, row.lines[i]!.credits),
        ),
      ).not.toContain(false);
      const template = await ok<{ id: string }>("manager", "POST", "/api/v1/templates", {
        ...body,
        kind: items.length === 1 ? "course" : "package",
        name: row.rule.slice(0, 40),
        validity: { kind: "none" },
      });
      const customer = await s.customer();
      const pkg = await ok<{ lines: Array<{ remainingValueMinor: number }> }>(
        "front_desk",
        "POST",
        `/api/v1/customers/${customer}/packages`,
        { templateId: template.id },
      );
      expect(pkg.lines.map((l) => l.remainingValueMinor)).toEqual(huf.lines.map((l) => l.lineValueMinor));
    });
  }

  it("per currency; an item without a price there weighs nothing; the package-price commission base per credit", async () => {
    const preview = await ok<Preview>("manager", "POST", "/api/v1/templates/preview", {
      prices: { USD: 10_000, HUF: 3_000_000 },
      items: [
        { itemId: s.items.manicure, quantity: 2 },
        { itemId: s.items.facial, quantity: 1 },
      ],
    });
    expect(preview.totalCredits).toBe(3);
    expect(preview.currencies.map((c) => c.currency)).toEqual(["HUF", "USD"]);
    const usd = preview.currencies[1]!;
    // 2 × 4,500 and 1 × 9,000: equal weights, 5,000 each.
    expect(usd.lines).toMatchObject([
      { retailPriceMinor: 4_500, lineValueMinor: 5_000, creditMinor: 2_500, lastCreditMinor: 2_500 },
      { retailPriceMinor: 9_000, lineValueMinor: 5_000, creditMinor: 5_000, lastCreditMinor: 5_000 },
    ]);
    expect(usd.packagePricePerCredit).toEqual({ creditMinor: 3_333, lastCreditMinor: 3_334 });

    const noUsd = await service("Only in forints", 1_000_000);
    const partly = await ok<Preview>("manager", "POST", "/api/v1/templates/preview", {
      prices: { USD: 10_000 },
      items: [
        { itemId: s.items.manicure, quantity: 1 },
        { itemId: noUsd.id, quantity: 1 },
      ],
    });
    expect(partly.currencies[0]!.lines).toMatchObject([
      { retailPriceMinor: 4_500, lineValueMinor: 10_000 },
      { retailPriceMinor: null, lineValueMinor: 0 },
    ]);
  });

  it("the preview is for managers and owners, knows only the business's items, and writes nothing", async () => {
    const body = { prices: { HUF: 1_000 }, items: [{ itemId: s.items.manicure, quantity: 1 }] };
    const other = await addBusiness(s.database, s.clock, "Other");
    const before = await rowCounts(s.database);
    expect((await api.call("front_desk", "POST", "/api/v1/templates/preview", body)).statusCode).toBe(403);
    const foreign = await api.call("manager", "POST", "/api/v1/templates/preview", {
      ...body,
      items: [{ itemId: other.items.manicure, quantity: 1 }],
    });
    expect(foreign.statusCode).toBe(404);
    expect(foreign.json().error.field).toBe("items");
    const zero = await api.call("manager", "POST", "/api/v1/templates/preview", {
      ...body,
      items: [{ itemId: s.items.manicure, quantity: 0 }],
    });
    expect(zero.json().error.field).toBe("items.0.quantity");
    await ok("manager", "POST", "/api/v1/templates/preview", body);
    expect(await rowCounts(s.database)).toEqual(before);
  });

  it("editing a template changes no package already sold; the next sale takes the new terms", async () => {
    s.clock.set("2026-06-01T10:00:00Z");
    const created = await ok<{ id: string; soldCount: number }>("manager", "POST", "/api/v1/templates", {
      kind: "course",
      name: "5x Manicure",
      prices: { HUF: 5_000_000, USD: 20_000 },
      validity: { kind: "months", count: 3 },
      commissionBasis: "item_retail_price",
      onlineBookable: false,
      items: [{ itemId: s.items.manicure, quantity: 5 }],
    });
    expect(created.soldCount).toBe(0);
    const customer = await s.customer();
    const sold = await ok<Record<string, unknown>>(
      "front_desk",
      "POST",
      `/api/v1/customers/${customer}/packages`,
      {
        templateId: created.id,
      },
    );

    const edited = await ok<{ soldCount: number; name: string }>(
      "manager",
      "PATCH",
      `/api/v1/templates/${created.id}`,
      {
        kind: "package",
        name: "Manicure & pedicure",
        prices: { HUF: 7_000_000 },
        validity: { kind: "fixed_date", date: "2026-12-31" },
        commissionBasis: "package_price_per_credit",
        onlineBookable: true,
        items: [
          { itemId: s.items.manicure, quantity: 3 },
          { itemId: s.items.pedicure, quantity: 3 },
        ],
        locationIds: [s.newYork],
      },
    );
    expect(edited).toMatchObject({ soldCount: 1, name: "Manicure & pedicure" });
    expect(await ok("owner", "GET", `/api/v1/packages/${sold.id}`)).toEqual(sold);

    const next = await ok<{ name: string; priceMinor: number; expiresOn: string; lines: unknown[] }>(
      "front_desk",
      "POST",
      `/api/v1/customers/${customer}/packages`,
      { templateId: created.id },
    );
    expect(next).toMatchObject({
      name: "Manicure & pedicure",
      priceMinor: 7_000_000,
      expiresOn: "2026-12-31",
    });
    expect(next.lines).toHaveLength(2);

    const [entry] = (
      await ok<{ items: Array<{ details: { changes: Record<string, unknown> } }> }>(
        "owner",
        "GET",
        "/api/v1/activity?action=update_template",
      )
    ).items;
    expect(Object.keys(entry!.details.changes).sort()).toEqual(
      [
        "commissionBasis",
        "items",
        "kind",
        "locationIds",
        "name",
        "onlineBookable",
        "prices",
        "validity",
      ].sort(),
    );
  });

  it("a course is one service; a template needs items; a retired template is listed only when asked and cannot be sold", async () => {
    const two = await api.call("manager", "POST", "/api/v1/templates", {
      kind: "course",
      name: "Two things",
      prices: { HUF: 1 },
      validity: { kind: "none" },
      items: [
        { itemId: s.items.manicure, quantity: 1 },
        { itemId: s.items.pedicure, quantity: 1 },
      ],
    });
    expect(two.json().error).toMatchObject({ code: "course_single_item", field: "items" });
    const template = await s.template({
      name: "Retiring",
      items: [{ itemId: s.items.manicure, quantity: 2 }],
    });
    const toCourse = await api.call("manager", "PATCH", `/api/v1/templates/${template}`, {
      items: [
        { itemId: s.items.manicure, quantity: 1 },
        { itemId: s.items.pedicure, quantity: 1 },
      ],
    });
    expect(toCourse.json().error).toMatchObject({ code: "course_single_item" });
    const empty = await api.call("manager", "PATCH", `/api/v1/templates/${template}`, { items: [] });
    expect(empty.statusCode).toBe(400);
    await ok("manager", "POST", `/api/v1/templates/${template}/retire`);
    expect(
      (await ok<Array<{ id: string }>>("front_desk", "GET", "/api/v1/templates")).map((t) => t.id),
    ).not.toContain(template);
    expect(
      (
        await ok<Array<{ id: string; active: boolean }>>(
          "front_desk",
          "GET",
          "/api/v1/templates?includeRetired=true",
        )
      ).find((t) => t.id === template),
    ).toMatchObject({ active: false });
    const sale = await api.call("front_desk", "POST", `/api/v1/customers/${await s.customer()}/packages`, {
      templateId: template,
    });
    expect(sale.json().error.code).toBe("template_retired");
  });
});

interface LocationAnswer {
  id: string;
  name: string;
  timeZone: string;
  currency: string;
  address: string | null;
  locale: string;
}

describe("locations (O3)", () => {
  it("the owner adds a location with an address and edits it while nothing happened there; each edit is logged from → to", async () => {
    const added = await ok<LocationAnswer>("owner", "POST", "/api/v1/locations", {
      name: "Vienna",
      timeZone: "Europe/Vienna",
      currency: "EUR",
      address: "Kärntner Straße 1, 1010 Wien",
    });
    expect(added).toMatchObject({ name: "Vienna", address: "Kärntner Straße 1, 1010 Wien" });
    const edited = await ok<LocationAnswer>("owner", "PATCH", `/api/v1/locations/${added.id}`, {
      name: "Wien",
      timeZone: "Europe/Berlin",
      currency: "CHF",
      address: null,
    });
    expect(edited).toEqual({
      id: added.id,
      name: "Wien",
      timeZone: "Europe/Berlin",
      currency: "CHF",
      address: null,
      // U1: taken from the zone when the location was added; a change of zone leaves it
      locale: "en-GB",
    });
    const listed = await ok<LocationAnswer[]>("practitioner", "GET", "/api/v1/locations");
    expect(listed.find((l) => l.id === added.id)).toEqual(edited);
    const [entry] = (
      await ok<{ items: Array<{ details: Record<string, unknown> }> }>(
        "owner",
        "GET",
        "/api/v1/activity?action=update_location",
      )
    ).items;
    expect(entry!.details).toEqual({
      locationId: added.id,
      name: "Wien",
      changes: {
        name: { from: "Vienna", to: "Wien" },
        timeZone: { from: "Europe/Vienna", to: "Europe/Berlin" },
        currency: { from: "EUR", to: "CHF" },
        address: { from: "Kärntner Straße 1, 1010 Wien", to: null },
      },
    });
  });

  it("only the owner edits; bad zones and currencies are refused naming the field; another business's location is not found", async () => {
    expect(
      (await api.call("manager", "PATCH", `/api/v1/locations/${s.budapest}`, { name: "X" })).statusCode,
    ).toBe(403);
    const zone = await api.call("owner", "PATCH", `/api/v1/locations/${s.budapest}`, {
      timeZone: "Mars/Olympus",
    });
    expect(zone.json().error).toMatchObject({ code: "invalid_time_zone", field: "timeZone" });
    const money = await api.call("owner", "PATCH", `/api/v1/locations/${s.budapest}`, { currency: "QQQ" });
    expect(money.json().error).toMatchObject({ code: "invalid_currency", field: "currency" });
    const other = await addBusiness(s.database, s.clock, "Other");
    expect(
      (await api.call("owner", "PATCH", `/api/v1/locations/${other.budapest}`, { name: "Mine" })).statusCode,
    ).toBe(404);
  });

  it("the currency cannot change once packages or tickets are in it there; the name and address still can", async () => {
    await s.sold(await s.template({ items: [{ itemId: s.items.manicure, quantity: 5 }] }));
    const before = await rowCounts(s.database);
    const refused = await api.call("owner", "PATCH", `/api/v1/locations/${s.budapest}`, {
      name: "Budapest centre",
      currency: "EUR",
    });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error).toMatchObject({ code: "location_currency_in_use", field: "currency" });
    expect(await rowCounts(s.database)).toEqual(before);
    expect(
      (await ok<LocationAnswer[]>("owner", "GET", "/api/v1/locations")).find((l) => l.id === s.budapest),
    ).toMatchObject({
      name: "Budapest",
      currency: "HUF",
    });
    // Only a ticket at New York: refused there too.
    await ok("front_desk", "POST", "/api/v1/tickets", { locationId: s.newYork });
    const ny = await api.call("owner", "PATCH", `/api/v1/locations/${s.newYork}`, { currency: "CAD" });
    expect(ny.json().error?.code ?? ny.statusCode).toBe("location_currency_in_use");
    // The same currency again is no change at all.
    expect(
      (
        await ok<LocationAnswer>("owner", "PATCH", `/api/v1/locations/${s.budapest}`, {
          currency: "HUF",
          address: "Andrássy út 1",
        })
      ).address,
    ).toBe("Andrássy út 1");
  });

  it("the time zone may change with packages sold (they keep their own zone and expiry), not while bookings are ahead", async () => {
    s.clock.set("2026-06-01T10:00:00Z");
    const sold = await s.sold(
      await s.template({
        items: [{ itemId: s.items.manicure, quantity: 5 }],
        validity: { kind: "days", count: 30 },
      }),
    );
    const soldView = await ok<{ timeZone: string; expiresAt: string }>(
      "owner",
      "GET",
      `/api/v1/packages/${sold.packageId}`,
    );
    const booking = await ok<{ id: string }>("front_desk", "POST", "/api/v1/appointments", {
      customerId: sold.customerId,
      staffId: s.staff.practitioner.staffId,
      startAt: "2026-06-05T08:00:00Z",
      services: [{ itemId: s.items.pedicure }],
    });
    const refused = await api.call("owner", "PATCH", `/api/v1/locations/${s.budapest}`, {
      timeZone: "Europe/London",
    });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error).toMatchObject({ code: "location_has_future_bookings", field: "timeZone" });

    await ok("front_desk", "POST", `/api/v1/appointments/${booking.id}/cancel`, {});
    const moved = await ok<LocationAnswer>("owner", "PATCH", `/api/v1/locations/${s.budapest}`, {
      timeZone: "Europe/London",
    });
    expect(moved.timeZone).toBe("Europe/London");
    expect(await ok("owner", "GET", `/api/v1/packages/${sold.packageId}`)).toMatchObject({
      timeZone: "Europe/Budapest",
      expiresAt: soldView.expiresAt,
    });
  });
});

describe("the catalog's routes in the OpenAPI document (O3, O4, W1)", () => {
  const routes: Array<[string, string, string[]]> = [
    ["/api/v1/items", "get", ["200", "401"]],
    ["/api/v1/items", "post", ["201", "400", "403", "409"]],
    ["/api/v1/items/{itemId}", "patch", ["200", "400", "404"]],
    ["/api/v1/templates", "get", ["200"]],
    ["/api/v1/templates", "post", ["201", "400", "403", "404", "409"]],
    ["/api/v1/templates/{templateId}", "patch", ["200", "400", "404"]],
    ["/api/v1/templates/{templateId}/retire", "post", ["200", "404"]],
    ["/api/v1/templates/preview", "post", ["200", "400", "403", "404"]],
    ["/api/v1/locations", "get", ["200"]],
    ["/api/v1/locations", "post", ["201", "400", "403"]],
    ["/api/v1/locations/{locationId}", "patch", ["200", "400", "403", "404", "409"]],
    ["/api/v1/commission-rates", "get", ["200", "403"]],
    ["/api/v1/commission-rates", "post", ["200", "400", "403", "404"]],
    ["/api/v1/commission-rates/{rateId}", "delete", ["200", "404"]],
  ];
  it("every catalog route describes its answer and its refusals, and the refusals are the error shape", async () => {
    const doc = (await api.call(null, "GET", "/api/openapi.json")).json() as {
      components: { schemas: Record<string, { properties: Record<string, unknown> }> };
      paths: Record<
        string,
        Record<string, { responses: Record<string, { content?: Record<string, { schema: unknown }> }> }>
      >;
    };
    for (const [path, method, statuses] of routes) {
      const responses = doc.paths[path]?.[method]?.responses ?? {};
      for (const status of statuses) {
        const schema = responses[status]?.content?.["application/json"]?.schema;
        expect(schema, `${method.toUpperCase()} ${path} → ${status}`).toBeDefined();
        // a refusal is the named Error answer (W1: components.schemas.Error, which has the code)
        if (status >= "400")
          expect(schema, `${method} ${path} ${status}`).toEqual({ $ref: "#/components/schemas/Error" });
      }
    }
    expect(JSON.stringify(doc.components.schemas.Error)).toContain('"code"');
    // A refusal goes out through the declared schema unchanged: field and rule, no 500.
    const res = await api.call("manager", "POST", "/api/v1/templates/preview", {
      prices: { HUF: 1000 },
      items: [{ itemId: s.items.manicure, quantity: 0 }],
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({
      error: {
        code: "invalid_input",
        message: expect.stringContaining("at least 1"),
        field: "items.0.quantity",
      },
    });
  });
});
