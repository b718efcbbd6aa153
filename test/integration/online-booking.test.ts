// A10: online booking, anonymous for paid services; from a package only through the customer's
// own link and only when the template allows it.
import { afterAll, beforeAll, expect, it } from "vitest";
import { updateTemplate } from "../../src/app/manage-catalog.js";
import { type Api, startApi } from "../support/http.js";
import { lineCounters, type Scenario, scenario } from "../support/scenario.js";

let s: Scenario;
let api: Api;
let slug: string;
beforeAll(async () => {
  s = await scenario();
  api = await startApi(s);
  slug = (
    await s.database.db
      .selectFrom("businesses")
      .select("slug")
      .where("id", "=", s.businessId)
      .executeTakeFirstOrThrow()
  ).slug;
});
afterAll(async () => {
  await api.close();
  await s.close();
});

it("the public page lists services, gives free slots and books a paid service online", async () => {
  const catalog = (await api.call(null, "GET", `/api/v1/public/businesses/${slug}`)).json();
  expect(catalog.services.map((x: { name: string }) => x.name)).toContain("Manicure");
  const date = "2026-06-02";
  const q = `locationId=${s.budapest}&staffId=${s.staff.practitioner.staffId}&itemId=${s.items.manicure}&date=${date}`;
  const slots = (
    await api.call(null, "GET", `/api/v1/public/businesses/${slug}/slots?${q}`)
  ).json() as string[];
  expect(slots[0]).toBe("2026-06-02T07:00:00Z"); // 09:00 in Budapest (CEST)
  const booked = await api.call(null, "POST", `/api/v1/public/businesses/${slug}/bookings`, {
    locationId: s.budapest,
    staffId: s.staff.practitioner.staffId,
    itemId: s.items.manicure,
    startAt: slots[0],
    name: "Online Olga",
    email: "olga@example.com",
  });
  expect(booked.statusCode, booked.body).toBe(201);
  expect(booked.json()).toMatchObject({
    channel: "online",
    customer: { name: "Online Olga" },
    services: [{ priceMinor: 1_200_000, fromPackage: null }],
  });
  const after = (
    await api.call(null, "GET", `/api/v1/public/businesses/${slug}/slots?${q}`)
  ).json() as string[];
  expect(after).not.toContain(slots[0]);
});

it("a package is booked online only by the customer's link, and only when its template allows it", async () => {
  const template = await s.template({ items: [{ itemId: s.items.manicure, quantity: 5 }] });
  const pkg = await s.sold(template);
  const token = (
    await s.database.db
      .selectFrom("customers")
      .select("balance_token")
      .where("id", "=", pkg.customerId)
      .executeTakeFirstOrThrow()
  ).balance_token;
  const body = {
    packageLineId: pkg.lineId,
    locationId: s.budapest,
    staffId: s.staff.practitioner.staffId,
    startAt: "2026-06-03T08:00:00Z",
  };
  const refused = await api.call(null, "POST", `/api/v1/public/balance/${token}/bookings`, body);
  expect(refused.statusCode).toBe(409);
  expect(refused.json().error.code).toBe("package_not_bookable_online");
  expect(await lineCounters(s.database, pkg.lineId)).toMatchObject({ booked: 0 });

  // Templates that allow it: packages sold afterwards carry the permission in their snapshot.
  await updateTemplate(s.as("owner"), template, { onlineBookable: true });
  const allowed = await s.sold(template, { customerId: pkg.customerId });
  const ok = await api.call(null, "POST", `/api/v1/public/balance/${token}/bookings`, {
    ...body,
    packageLineId: allowed.lineId,
  });
  expect(ok.statusCode, ok.body).toBe(201);
  expect(ok.json()).toMatchObject({ channel: "online", fromPackage: true });
  expect(await lineCounters(s.database, allowed.lineId)).toMatchObject({ booked: 1 });

  const wrong = await api.call(
    null,
    "POST",
    `/api/v1/public/balance/not-the-right-token-000000/bookings`,
    body,
  );
  expect(wrong.statusCode).toBe(404);
});
