// L7 for administration: who added staff (an owner too), minted an API token, changed a setting
// such as allowRefundUsedPackages, or changed the catalog is in the activity log, with what changed
// and never a secret. Through the real server, on both databases.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type Api, startApi } from "../support/http.js";
import { type Scenario, scenario } from "../support/scenario.js";

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

interface Entry {
  action: string;
  staffId: string | null;
  customerId: string | null;
  details: Record<string, unknown>;
}

async function entries(action: string): Promise<Entry[]> {
  const res = await api.call("owner", "GET", `/api/v1/activity?action=${action}`);
  expect(res.statusCode).toBe(200);
  return res.json().items;
}

describe("administrative actions leave a trail (L7)", () => {
  it("inviting staff, an owner included, names who did it and whom (O2)", async () => {
    const res = await api.call("owner", "POST", "/api/v1/staff/invitations", {
      name: "Second Owner",
      email: "second.owner@example.test",
      role: "owner",
      homeLocationId: s.budapest,
    });
    expect(res.statusCode).toBe(201);
    const [entry] = await entries("invite_staff");
    expect(entry).toMatchObject({
      staffId: s.staff.owner.staffId,
      details: {
        invitation: {
          id: res.json().id,
          name: "Second Owner",
          email: "second.owner@example.test",
          role: "owner",
        },
      },
    });
    expect(JSON.stringify(entry)).not.toMatch(/token/i);
  });

  it("minting an API token names the token and its maker, never the token itself", async () => {
    const res = await api.call("manager", "POST", "/api/v1/auth/tokens", { name: "Accounting export" });
    expect(res.statusCode).toBe(201);
    const [entry] = await entries("create_api_token");
    expect(entry).toMatchObject({
      staffId: s.staff.manager.staffId,
      details: { tokenId: res.json().id, name: "Accounting export" },
    });
    expect(JSON.stringify(entry)).not.toContain(res.json().token);
  });

  it("changing settings records each change from → to; saving the same values records nothing", async () => {
    const on = await api.call("owner", "PATCH", "/api/v1/business/settings", {
      allowRefundUsedPackages: true,
      coverZeroPriceItems: false,
    });
    expect(on.statusCode).toBe(200);
    const again = await api.call("owner", "PATCH", "/api/v1/business/settings", {
      allowRefundUsedPackages: true,
    });
    expect(again.statusCode).toBe(200);
    const logged = await entries("change_settings");
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({
      staffId: s.staff.owner.staffId,
      details: { changes: { allowRefundUsedPackages: { from: false, to: true } } },
    });
    expect(Object.keys(logged[0]!.details.changes as object)).toEqual(["allowRefundUsedPackages"]);
    // A refused change (a manager may not) leaves nothing either.
    const refused = await api.call("manager", "PATCH", "/api/v1/business/settings", {
      allowRefundUsedPackages: false,
    });
    expect(refused.statusCode).toBe(403);
    expect(await entries("change_settings")).toHaveLength(1);
  });

  it("locations, items, templates and balance links are in the log with what changed", async () => {
    const location = await api.call("owner", "POST", "/api/v1/locations", {
      name: "Debrecen",
      timeZone: "Europe/Budapest",
      currency: "HUF",
    });
    expect(location.statusCode).toBe(201);
    const item = await api.call("manager", "POST", "/api/v1/items", {
      kind: "service",
      name: "Gel polish",
      prices: { HUF: 900_000 },
    });
    expect(item.statusCode).toBe(201);
    const edit = await api.call("manager", "PATCH", `/api/v1/items/${item.json().id}`, {
      prices: { HUF: 950_000 },
    });
    expect(edit.statusCode).toBe(200);
    const template = await s.template({ name: "3x Gel", items: [{ itemId: item.json().id, quantity: 3 }] });
    const retired = await api.call("manager", "POST", `/api/v1/templates/${template}/retire`);
    expect(retired.statusCode).toBe(200);
    const customerId = await s.customer();
    const link = await api.call("front_desk", "POST", `/api/v1/customers/${customerId}/balance-link`);
    expect(link.statusCode).toBe(201);

    expect((await entries("create_location"))[0]).toMatchObject({
      details: { location: { name: "Debrecen" } },
    });
    expect((await entries("create_item"))[0]).toMatchObject({ details: { item: { name: "Gel polish" } } });
    expect((await entries("update_item"))[0]).toMatchObject({
      staffId: s.staff.manager.staffId,
      details: { name: "Gel polish", changes: { prices: { from: { HUF: 900_000 }, to: { HUF: 950_000 } } } },
    });
    expect((await entries("create_template"))[0]).toMatchObject({
      details: { template: { name: "3x Gel" } },
    });
    expect((await entries("retire_template"))[0]).toMatchObject({ details: { templateId: template } });
    const [made] = await entries("make_balance_link");
    expect(made).toMatchObject({ staffId: s.staff.front_desk.staffId, customerId });
    expect(JSON.stringify(made)).not.toContain(link.json().token);
  });
});

describe("the activity log, a page at a time (W2)", () => {
  /** Every page of the log of `query`, `limit` entries at a time, `between` run after each page but the last. */
  async function everyPage(query: string, limit: number, between: () => Promise<void> = async () => {}) {
    const pages: string[][] = [];
    let cursor: string | null = null;
    do {
      const res = await api.call(
        "manager",
        "GET",
        `/api/v1/activity?${query}&limit=${limit}${cursor ? `&cursor=${cursor}` : ""}`,
      );
      expect(res.statusCode, res.body).toBe(200);
      const page = res.json() as { items: Array<{ id: string }>; nextCursor: string | null };
      pages.push(page.items.map((e) => e.id));
      cursor = page.nextCursor;
      if (cursor) await between();
    } while (cursor);
    return pages;
  }

  it("pages newest first, every entry once, unshifted by entries written meanwhile", async () => {
    const pkg = await s.sold(await s.template({ items: [{ itemId: s.items.manicure, quantity: 20 }] }));
    s.clock.set("2026-06-01T11:00:00.000250Z"); // finer than a JavaScript Date
    for (let i = 0; i < 7; i++) {
      if (i % 3 === 0) s.clock.advance({ seconds: 1 }); // three in one instant: their order of writing decides
      await s.redeem(pkg);
    }
    const expected = (
      await s.database.db
        .selectFrom("activity_log")
        .select("id")
        .where("package_id", "=", pkg.packageId)
        .orderBy("occurred_at", "desc")
        .orderBy("seq", "desc")
        .execute()
    ).map((e) => e.id);
    expect(expected).toHaveLength(8); // the sale and seven redemptions
    const pages = await everyPage(`packageId=${pkg.packageId}`, 3, () => s.redeem(pkg));
    expect(pages.map((p) => p.length)).toEqual([3, 3, 2]);
    expect(pages.flat()).toEqual(expected);
    // the filters hold on every page
    const redemptions = await everyPage(
      `packageId=${pkg.packageId}&action=redeem&to=2026-06-01T11:00:02Z`,
      2,
    );
    expect(redemptions.map((p) => p.length)).toEqual([2, 1]);
  });

  it("gives 50 entries unless asked for another number", async () => {
    const pkg = await s.sold(await s.template({ items: [{ itemId: s.items.manicure, quantity: 60 }] }));
    await s.redeem(pkg, 50);
    const first = (await api.call("manager", "GET", `/api/v1/activity?packageId=${pkg.packageId}`)).json();
    expect(first.items).toHaveLength(50);
    const rest = (
      await api.call(
        "manager",
        "GET",
        `/api/v1/activity?packageId=${pkg.packageId}&cursor=${first.nextCursor}`,
      )
    ).json();
    expect(rest).toMatchObject({ items: [{ action: "sell" }], nextCursor: null });
  });

  it("refuses a bad limit or cursor, and the old before, naming the field", async () => {
    await s.sold(await s.template({ items: [{ itemId: s.items.manicure, quantity: 5 }] }));
    const ids = "5f0c1a2e-0000-4000-8000-000000000000";
    const edited = Buffer.from(JSON.stringify(["2026-06-01T10:00:00.000000Z", ids])).toString("base64url");
    const badInstant = Buffer.from(JSON.stringify(["yesterday", ids])).toString("base64url");
    const asked: Array<[query: string, field: string]> = [
      ["limit=0", "limit"],
      ["limit=201", "limit"],
      ["limit=abc", "limit"],
      ["cursor=garbage", "cursor"],
      [`cursor=${edited}`, "cursor"], // well-formed, but no such entry
      [`cursor=${badInstant}`, "cursor"],
      [`before=${ids}`, "querystring"], // gone: an unknown key, named in the message
    ];
    for (const [q, field] of asked) {
      const res = await api.call("manager", "GET", `/api/v1/activity?${q}`);
      const named = res.json().error?.field?.replace(/^querystring\./, ""); // as the schema names it
      expect([q, res.statusCode, named, res.body]).toEqual([
        q,
        400,
        field,
        expect.stringContaining(q.split("=")[0] ?? q),
      ]);
    }
  });
});
