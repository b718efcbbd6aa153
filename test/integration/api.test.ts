// The HTTP API: auth (S1), tenancy (S2), bad input (S3), idempotency (L4), the error shape.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { buildServer } from "../../src/http/server.js";
import { type Api, startApi } from "../support/http.js";
import { addBusiness, PASSWORD, rowCounts, type Scenario, type Sold, scenario } from "../support/scenario.js";

let s: Scenario;
let api: Api;
let pkg: Sold;
let movementId: string;

beforeEach(async () => {
  s = await scenario();
  api = await startApi(s);
  pkg = await s.sold(
    await s.template({
      items: [
        { itemId: s.items.manicure, quantity: 5 },
        { itemId: s.items.oil, quantity: 1 },
      ],
    }),
  );
  const res = await api.call(
    "front_desk",
    "POST",
    `/api/v1/packages/${pkg.packageId}/lines/${pkg.lineId}/redeem`,
    {},
  );
  movementId = res.json().id;
});
afterEach(async () => {
  await api.close();
  await s.close();
});

describe("authentication and roles (S1)", () => {
  it("unauthenticated calls get 401", async () => {
    for (const url of ["/api/v1/customers", `/api/v1/packages/${pkg.packageId}`, "/api/v1/activity"]) {
      const res = await api.call(null, "GET", url);
      expect(res.statusCode).toBe(401);
      expect(res.json()).toEqual({ error: { code: "unauthenticated", message: "Sign in first." } });
    }
    const forged = await api.call(null, "GET", "/api/v1/customers", undefined, {
      authorization: "Bearer carnet_forged-token-value",
    });
    expect(forged.statusCode).toBe(401);
  });

  it.each(["front_desk", "practitioner"] as const)(
    "%s gets 403 on undo, adjust, extend and refund",
    async (role) => {
      const before = await rowCounts(s.database);
      const calls = [
        api.call(role, "POST", `/api/v1/movements/${movementId}/undo`, {}),
        api.call(role, "POST", `/api/v1/packages/${pkg.packageId}/lines/${pkg.lineId}/adjustments`, {
          direction: "add",
          quantity: 1,
          reason: "r",
        }),
        api.call(role, "POST", `/api/v1/packages/${pkg.packageId}/extend`, { expiresOn: "2027-01-01" }),
        api.call(role, "POST", `/api/v1/packages/${pkg.packageId}/refund`, { kind: "money" }),
      ];
      for (const res of await Promise.all(calls)) {
        expect(res.statusCode).toBe(403);
        expect(res.json().error.code).toBe("forbidden");
      }
      expect(await rowCounts(s.database)).toEqual(before);
    },
  );

  it("a manager may undo", async () => {
    const res = await api.call("manager", "POST", `/api/v1/movements/${movementId}/undo`, {
      reason: "mistake",
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().counters).toEqual({ total: 5, used: 0, booked: 0, remaining: 5 });
  });
});

describe("tenancy (S2): another business's ids answer 404", () => {
  it("for reads and writes alike, and nothing changes", async () => {
    const other = await addBusiness(s.database, s.clock, "Other Salon");
    const otherApi = await startApi(other);
    try {
      const before = await rowCounts(s.database);
      const calls = [
        otherApi.call("owner", "GET", `/api/v1/packages/${pkg.packageId}`),
        otherApi.call("owner", "GET", `/api/v1/customers/${pkg.customerId}`),
        otherApi.call("owner", "GET", `/api/v1/customers/${pkg.customerId}/packages`),
        otherApi.call("owner", "GET", `/api/v1/packages/${pkg.packageId}/usage`),
        otherApi.call("owner", "POST", `/api/v1/packages/${pkg.packageId}/lines/${pkg.lineId}/redeem`, {}),
        otherApi.call("owner", "POST", `/api/v1/movements/${movementId}/undo`, {}),
        otherApi.call("owner", "POST", `/api/v1/packages/${pkg.packageId}/refund`, { kind: "money" }),
        otherApi.call("owner", "POST", `/api/v1/customers/${pkg.customerId}/redemptions`, {
          itemId: s.items.manicure,
        }),
      ];
      for (const res of await Promise.all(calls)) {
        expect(res.statusCode, res.body).toBe(404);
      }
      expect(await rowCounts(s.database)).toEqual(before);
      const list = await otherApi.call("owner", "GET", "/api/v1/customers?q=");
      expect(list.json()).toEqual({ items: [], nextCursor: null, total: 0 });
    } finally {
      await otherApi.close();
    }
  });
});

describe("bad input (S3): 4xx naming the field, nothing written", () => {
  const redeemUrl = () => `/api/v1/packages/${pkg.packageId}/lines/${pkg.lineId}/redeem`;
  it.each([
    { name: "zero quantity", url: "redeem", body: { quantity: 0 }, field: "quantity" },
    { name: "negative quantity", url: "redeem", body: { quantity: -2 }, field: "quantity" },
    { name: "fractional quantity", url: "redeem", body: { quantity: 1.5 }, field: "quantity" },
    { name: "quantity as a string", url: "redeem", body: { quantity: "1" }, field: "quantity" },
    { name: "huge quantity", url: "redeem", body: { quantity: 1e12 }, field: "quantity" },
    { name: "unknown field", url: "redeem", body: { quantity: 1, extra: true }, field: "" },
    {
      name: "oversized reason",
      url: "redeem",
      body: { quantity: 1, reason: "x".repeat(501) },
      field: "reason",
    },
    { name: "malformed date", url: "extend", body: { expiresOn: "31/12/2026" }, field: "expiresOn" },
    { name: "impossible date", url: "extend", body: { expiresOn: "2026-02-30" }, field: "expiresOn" },
    { name: "unknown refund kind", url: "refund", body: { kind: "cash" }, field: "kind" },
    {
      name: "bad zone",
      url: "location",
      body: { name: "Mars", timeZone: "Mars/Olympus", currency: "HUF" },
      field: "timeZone",
    },
    {
      name: "bad currency",
      url: "location",
      body: { name: "X", timeZone: "Europe/Paris", currency: "eur" },
      field: "currency",
    },
    { name: "empty customer name", url: "customer", body: { name: "   " }, field: "name" },
    {
      name: "unicode-heavy oversized name",
      url: "customer",
      body: { name: "💅".repeat(300) },
      field: "name",
    },
  ])("$name → 400 naming $field", async ({ url, body, field }) => {
    const before = await rowCounts(s.database);
    const target = {
      redeem: ["POST", redeemUrl()],
      extend: ["POST", `/api/v1/packages/${pkg.packageId}/extend`],
      refund: ["POST", `/api/v1/packages/${pkg.packageId}/refund`],
      location: ["POST", "/api/v1/locations"],
      customer: ["POST", "/api/v1/customers"],
    }[url] as ["POST", string];
    const res = await api.call("owner", target[0], target[1], body);
    expect(res.statusCode, res.body).toBe(400);
    const error = res.json().error;
    expect(error.code).toMatch(/^[a-z_]+$/);
    if (field) expect(error.field).toBe(field);
    expect(error.message.length).toBeGreaterThan(5);
    expect(await rowCounts(s.database)).toEqual(before);
  });

  it("unknown ids: 404 with the field; malformed ids: 400 with the field", async () => {
    const unknown = "00000000-0000-4000-8000-000000000000";
    const res = await api.call(
      "front_desk",
      "POST",
      `/api/v1/packages/${pkg.packageId}/lines/${unknown}/redeem`,
      {},
    );
    expect(res.statusCode).toBe(404);
    expect(res.json().error).toMatchObject({ code: "package_line_not_found", field: "lineId" });
    const malformed = await api.call("front_desk", "POST", `/api/v1/customers/not-an-id/packages`, {
      templateId: unknown,
    });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json().error.field).toBe("params.customerId");
    const noTemplate = await api.call("front_desk", "POST", `/api/v1/customers/${pkg.customerId}/packages`, {
      templateId: unknown,
    });
    expect(noTemplate.statusCode).toBe(404);
    expect(noTemplate.json().error).toMatchObject({ code: "template_not_found", field: "templateId" });
  });

  it("an empty edit of a customer or an item changes nothing and answers it as it is (found by the abuse test)", async () => {
    const before = await api.call("front_desk", "GET", `/api/v1/customers/${pkg.customerId}`);
    const customer = await api.call("front_desk", "PATCH", `/api/v1/customers/${pkg.customerId}`, {});
    expect(customer.statusCode).toBe(200);
    expect(customer.json()).toEqual(before.json());
    const item = await api.call("owner", "PATCH", `/api/v1/items/${s.items.manicure}`, {});
    expect(item.statusCode).toBe(200);
    expect(item.json().id).toBe(s.items.manicure);
    const unknown = "00000000-0000-4000-8000-000000000000";
    expect((await api.call("front_desk", "PATCH", `/api/v1/customers/${unknown}`, {})).statusCode).toBe(404);
    expect((await api.call("owner", "PATCH", `/api/v1/items/${unknown}`, {})).statusCode).toBe(404);
  });

  it("a failure after part of the work leaves nothing behind", async () => {
    const before = await rowCounts(s.database);
    // The template row is inserted before its items are checked: the whole transaction rolls back.
    const res = await api.call("owner", "POST", "/api/v1/templates", {
      kind: "package",
      name: "Broken",
      prices: { HUF: 100 },
      validity: { kind: "none" },
      items: [
        { itemId: s.items.manicure, quantity: 1 },
        { itemId: "00000000-0000-4000-8000-000000000000", quantity: 1 },
      ],
    });
    expect(res.statusCode).toBe(404);
    expect(res.json().error.field).toBe("items");
    // A sale whose template has no price in the location's currency fails after loading everything.
    const hufOnly = await s.template({
      items: [{ itemId: s.items.manicure, quantity: 1 }],
      prices: { HUF: 100 },
    });
    const mid = await rowCounts(s.database);
    const sale = await api.call("front_desk", "POST", `/api/v1/customers/${pkg.customerId}/packages`, {
      templateId: hufOnly,
      locationId: s.newYork,
    });
    expect(sale.statusCode).toBe(400);
    expect(sale.json().error).toMatchObject({ code: "template_not_priced_in_currency", field: "priceMinor" });
    expect(await rowCounts(s.database)).toEqual(mid);
    expect(mid.package_templates).toBe(before.package_templates + 1);
  });

  it("malformed JSON and unknown routes answer in the error shape", async () => {
    const res = await api.server.inject({
      method: "POST",
      url: `/api/v1/customers`,
      headers: { authorization: `Bearer ${api.tokens.owner}`, "content-type": "application/json" },
      payload: "{not json",
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toMatch(/^[a-z_]+$/);
    const missing = await api.call("owner", "GET", "/api/v1/nothing-here");
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.code).toBe("route_not_found");
  });
});

describe("idempotency (L4)", () => {
  it("the quick redeem answers with the movement as the ledger holds it, with or without a key", async () => {
    s.clock.set("2026-06-01T10:15:30.250Z");
    const url = `/api/v1/packages/${pkg.packageId}/lines/${pkg.lineId}/redeem`;
    const keyed = await api.call(
      "front_desk",
      "POST",
      url,
      { quantity: 2 },
      { "idempotency-key": "shape-1" },
    );
    const plain = await api.call("front_desk", "POST", url, { quantity: 1 });
    for (const res of [keyed, plain]) {
      expect(res.statusCode).toBe(200);
      expect(res.headers["content-type"]).toBe("application/json; charset=utf-8");
      const movement = res.json();
      const row = await s.database.db
        .selectFrom("movements")
        .selectAll()
        .where("id", "=", movement.id)
        .executeTakeFirstOrThrow();
      expect(movement).toEqual({
        id: row.id,
        kind: "redeem",
        quantity: row.quantity,
        valueMinor: Number(row.value_minor),
        // the instant as Temporal prints it, not in the database session's format
        occurredAt: "2026-06-01T10:15:30.25Z",
        packageId: pkg.packageId,
        lineId: pkg.lineId,
        customerId: row.customer_id,
        itemId: s.items.manicure,
        itemName: expect.any(String),
        counters: {
          total: row.total_after,
          used: row.used_after,
          booked: row.booked_after,
          remaining: row.total_after - row.used_after - row.booked_after,
        },
      });
      expect(new Date(row.occurred_at).toISOString()).toBe("2026-06-01T10:15:30.250Z");
    }
    expect(keyed.json().counters.remaining - 1).toBe(plain.json().counters.remaining);
  });

  it("10 concurrent requests with one key: one movement, ten identical answers; after a restart, the same answer", async () => {
    const url = `/api/v1/packages/${pkg.packageId}/lines/${pkg.lineId}/redeem`;
    const headers = { "idempotency-key": "redeem-once-42" };
    const before = await rowCounts(s.database);
    const answers = await Promise.all(
      Array.from({ length: 10 }, () => api.call("front_desk", "POST", url, { quantity: 1 }, headers)),
    );
    expect(new Set(answers.map((a) => a.statusCode))).toEqual(new Set([200]));
    expect(new Set(answers.map((a) => a.body)).size).toBe(1);
    const after = await rowCounts(s.database);
    expect(after.movements).toBe(before.movements + 1);

    const restarted = await buildServer(s.app, { logger: false, secureCookies: false, demoLogins: null });
    const again = await restarted.inject({
      method: "POST",
      url,
      payload: { quantity: 1 },
      headers: { ...headers, authorization: `Bearer ${api.tokens.front_desk}` },
    });
    await restarted.close();
    expect(again.body).toBe(answers[0]!.body);
    expect(again.headers["idempotent-replayed"]).toBe("true");
    expect((await rowCounts(s.database)).movements).toBe(before.movements + 1);

    const reused = await api.call("front_desk", "POST", url, { quantity: 2 }, headers);
    expect(reused.statusCode).toBe(422);
    expect(reused.json().error).toMatchObject({ code: "idempotency_key_reused", field: "Idempotency-Key" });
  });

  it("keys belong to one business: the same key elsewhere is a new request", async () => {
    const other = await addBusiness(s.database, s.clock, "Other");
    const otherApi = await startApi(other);
    const otherPkg = await other.sold(
      await other.template({ items: [{ itemId: other.items.manicure, quantity: 2 }] }),
    );
    const headers = { "idempotency-key": "shared-key" };
    const a = await api.call(
      "front_desk",
      "POST",
      `/api/v1/packages/${pkg.packageId}/lines/${pkg.lineId}/redeem`,
      {},
      headers,
    );
    const b = await otherApi.call(
      "front_desk",
      "POST",
      `/api/v1/packages/${otherPkg.packageId}/lines/${otherPkg.lineId}/redeem`,
      {},
      headers,
    );
    await otherApi.close();
    expect([a.statusCode, b.statusCode]).toEqual([200, 200]);
    expect(a.json().packageId).not.toBe(b.json().packageId);
  });
});

describe("sign-in with a session cookie", () => {
  const signIn = (email: string, password: string) =>
    api.server.inject({ method: "POST", url: "/api/v1/auth/sign-in", payload: { email, password } });

  it("sets an HttpOnly SameSite cookie; writes need the CSRF token", async () => {
    const res = await signIn(s.staff.front_desk.email, PASSWORD);
    expect(res.statusCode).toBe(200);
    const setCookie = String(res.headers["set-cookie"]);
    expect(setCookie).toMatch(/carnet_session=/);
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Strict/);
    const cookie = setCookie.split(";")[0]!;
    const { csrfToken } = res.json();
    const me = await api.server.inject({ method: "GET", url: "/api/v1/auth/me", headers: { cookie } });
    expect(me.json()).toMatchObject({
      staff: { role: "front_desk" },
      location: { id: s.budapest, timeZone: "Europe/Budapest" },
    });
    // U3: the sign-in answer carries the same `me`, so that the app shows its shell at once.
    expect(res.json().me).toEqual(me.json());
    const url = `/api/v1/packages/${pkg.packageId}/lines/${pkg.lineId}/redeem`;
    const without = await api.server.inject({ method: "POST", url, headers: { cookie }, payload: {} });
    expect(without.statusCode).toBe(403);
    expect(without.json().error.code).toBe("csrf_failed");
    const withToken = await api.server.inject({
      method: "POST",
      url,
      headers: { cookie, "x-csrf-token": csrfToken },
      payload: {},
    });
    expect(withToken.statusCode).toBe(200);
    const out = await api.server.inject({
      method: "POST",
      url: "/api/v1/auth/sign-out",
      headers: { cookie, "x-csrf-token": csrfToken },
    });
    expect(out.statusCode).toBe(200);
    const after = await api.server.inject({ method: "GET", url: "/api/v1/auth/me", headers: { cookie } });
    expect(after.statusCode).toBe(401);
  });

  it("a burst of failed sign-ins locks the e-mail for a while (rate limit)", async () => {
    for (let i = 0; i < 5; i++) {
      const res = await signIn(s.staff.manager.email, "wrong password");
      expect(res.statusCode).toBe(401);
      expect(res.json().error.code).toBe("invalid_credentials");
    }
    const locked = await signIn(s.staff.manager.email, PASSWORD);
    expect(locked.statusCode).toBe(429);
    expect(locked.json().error.code).toBe("too_many_attempts");
    s.clock.advance({ minutes: 16 });
    expect((await signIn(s.staff.manager.email, PASSWORD)).statusCode).toBe(200);
  });

  it("answers with the first page of customers when asked (U3), as GET /customers gives it", async () => {
    const res = await api.server.inject({
      method: "POST",
      url: "/api/v1/auth/sign-in",
      payload: { email: s.staff.front_desk.email, password: PASSWORD, firstCustomers: 2 },
    });
    expect(res.statusCode).toBe(200);
    const cookie = String(res.headers["set-cookie"]).split(";")[0]!;
    const list = await api.server.inject({
      method: "GET",
      url: "/api/v1/customers?limit=2",
      headers: { cookie },
    });
    expect(list.statusCode).toBe(200);
    expect(res.json().customers.items.length).toBeGreaterThan(0);
    expect(res.json().customers).toEqual(list.json());
    // not asked: not sent
    const plain = await signIn(s.staff.front_desk.email, PASSWORD);
    expect(plain.json()).not.toHaveProperty("customers");
    for (const firstCustomers of [0, 101, 2.5, "25"]) {
      const bad = await api.server.inject({
        method: "POST",
        url: "/api/v1/auth/sign-in",
        payload: { email: s.staff.front_desk.email, password: PASSWORD, firstCustomers },
      });
      expect(bad.statusCode).toBe(400);
      expect(bad.json().error.field).toBe("firstCustomers");
    }
  });

  it("chooses a working location at sign-in", async () => {
    const res = await api.server.inject({
      method: "POST",
      url: "/api/v1/auth/sign-in",
      payload: { email: s.staff.front_desk.email, password: PASSWORD, locationId: s.newYork },
    });
    expect(res.json().actor.locationId).toBe(s.newYork);
  });
});

describe("documentation", () => {
  it("serves the OpenAPI document with every route", async () => {
    const res = await api.call(null, "GET", "/api/openapi.json");
    expect(res.statusCode).toBe(200);
    const doc = res.json();
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths)).toContain("/api/v1/packages/{packageId}/lines/{lineId}/redeem");
  });
});

// -------------------------------------------------------------------------------------------------
// W2: a customer's packages and a package's usage, a page at a time

interface PageAnswer {
  items: Array<{ id: string }>;
  nextCursor: string | null;
}

/** Every page of `path`, `limit` rows at a time, with `between` run after each page but the last. */
async function everyPage(path: string, limit: number, between: () => Promise<void> = async () => {}) {
  const pages: string[][] = [];
  let cursor: string | null = null;
  do {
    const sep = path.includes("?") ? "&" : "?";
    const res = await api.call(
      "manager",
      "GET",
      `${path}${sep}limit=${limit}${cursor ? `&cursor=${cursor}` : ""}`,
    );
    expect(res.statusCode, res.body).toBe(200);
    const page = res.json() as PageAnswer;
    pages.push(page.items.map((row) => row.id));
    cursor = page.nextCursor;
    if (cursor) await between();
  } while (cursor);
  return pages;
}

/** What a list answers to a bad limit or cursor: a 400 naming the field. */
async function refusals(path: string) {
  const sep = path.includes("?") ? "&" : "?";
  const asked = ["limit=0", "limit=201", "limit=abc", "cursor=garbage", "cursor=WyJ4Il0"];
  const answers = [];
  for (const q of asked) {
    const res = await api.call("manager", "GET", `${path}${sep}${q}`);
    // a query's field is named as the schema sees it: querystring.limit
    answers.push([q, res.statusCode, res.json().error?.field?.replace(/^querystring\./, "")]);
  }
  return answers;
}

const REFUSED = [
  ["limit=0", 400, "limit"],
  ["limit=201", 400, "limit"],
  ["limit=abc", 400, "limit"],
  ["cursor=garbage", 400, "cursor"],
  ["cursor=WyJ4Il0", 400, "cursor"], // ["x"]: well-formed, but not this list's key
];

describe("a customer's packages, a page at a time (W2)", () => {
  it("pages oldest purchase first, every package once, unshifted by a sale written meanwhile", async () => {
    const template = await s.template({ items: [{ itemId: s.items.manicure, quantity: 5 }] });
    const customerId = await s.customer("Paging Petra");
    for (let i = 0; i < 7; i++) {
      if (i % 2 === 0) s.clock.advance({ minutes: 1 }); // two by two in one instant: the id decides
      await s.sold(template, { customerId });
    }
    const path = `/api/v1/customers/${customerId}/packages`;
    const expected = (
      await s.database.db
        .selectFrom("customer_packages")
        .select("id")
        .where("customer_id", "=", customerId)
        .orderBy("purchased_at")
        .orderBy("id")
        .execute()
    ).map((p) => p.id);
    const pages = await everyPage(path, 3, async () => {
      s.clock.set("2026-01-01T00:00:00Z"); // bought before all of them: before the cursor
      await s.sold(template, { customerId });
    });
    expect(pages.map((p) => p.length)).toEqual([3, 3, 1]);
    expect(pages.flat()).toEqual(expected);
    expect(await refusals(path)).toEqual(REFUSED);
    const usageCursor = (
      await api.call("manager", "GET", `/api/v1/packages/${pkg.packageId}/usage?limit=1`)
    ).json().nextCursor;
    expect((await api.call("manager", "GET", `${path}?cursor=${usageCursor}`)).json().error.field).toBe(
      "cursor",
    );
  });

  it("gives 50 packages unless asked for another number", async () => {
    const template = await s.template({ items: [{ itemId: s.items.manicure, quantity: 1 }] });
    const customerId = await s.customer("Many Mari");
    for (let i = 0; i < 51; i++) await s.sold(template, { customerId });
    const first = (await api.call("manager", "GET", `/api/v1/customers/${customerId}/packages`)).json();
    expect(first.items).toHaveLength(50);
    const rest = (
      await api.call("manager", "GET", `/api/v1/customers/${customerId}/packages?cursor=${first.nextCursor}`)
    ).json();
    expect(rest).toMatchObject({ items: [expect.anything()], nextCursor: null });
  });
});

describe("a package's usage, a page at a time (W2)", () => {
  it("pages newest first, every movement once, unshifted by a redemption written meanwhile", async () => {
    const sold = await s.sold(await s.template({ items: [{ itemId: s.items.manicure, quantity: 20 }] }));
    for (let i = 0; i < 7; i++) {
      if (i % 3 === 0) s.clock.advance({ minutes: 1 });
      await s.redeem(sold);
    }
    const path = `/api/v1/packages/${sold.packageId}/usage`;
    const expected = (
      await s.database.db
        .selectFrom("movements")
        .select("id")
        .where("package_id", "=", sold.packageId)
        .orderBy("seq", "desc")
        .execute()
    ).map((m) => m.id);
    expect(expected).toHaveLength(8); // the grant and seven redemptions
    const pages = await everyPage(path, 3, () => s.redeem(sold)); // each the newest: before the cursor
    expect(pages.map((p) => p.length)).toEqual([3, 3, 2]);
    expect(pages.flat()).toEqual(expected);
    expect(await refusals(path)).toEqual(REFUSED);
    // another package's cursor does not go on in this one
    const otherCursor = (
      await api.call("manager", "GET", `/api/v1/packages/${pkg.packageId}/usage?limit=1`)
    ).json().nextCursor;
    const res = await api.call("manager", "GET", `${path}?cursor=${otherCursor}`);
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ code: "invalid_cursor", field: "cursor" });
  });

  it("gives 50 movements unless asked for another number", async () => {
    const sold = await s.sold(await s.template({ items: [{ itemId: s.items.manicure, quantity: 60 }] }));
    await s.redeem(sold, 50);
    const first = (await api.call("manager", "GET", `/api/v1/packages/${sold.packageId}/usage`)).json();
    expect(first.items).toHaveLength(50);
    const rest = (
      await api.call("manager", "GET", `/api/v1/packages/${sold.packageId}/usage?cursor=${first.nextCursor}`)
    ).json();
    expect(rest).toMatchObject({ items: [{ kind: "grant" }], nextCursor: null });
  });
});
