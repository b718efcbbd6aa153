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
  return res.json();
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
