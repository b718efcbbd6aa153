// A10: online booking against the real server. The anonymous public page books paid services, only
// into the free slots it offers, inside the business's booking window, with the staff it offers,
// and only once the customer opens the link e-mailed to the address given (so an e-mail address
// neither reveals nor hijacks a customer). Booking from a package online happens only through the
// customer's own link (R4), and only when the template allows it.
import type { FastifyInstance, LightMyRequestResponse } from "fastify";
import { sql } from "kysely";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { bookAppointment } from "../../src/app/appointments.js";
import { updateItem, updateTemplate } from "../../src/app/manage-catalog.js";
import { createCustomer } from "../../src/app/manage-customers.js";
import { forgetOldRequests } from "../../src/app/online-booking.js";
import { createMailer, deliverOutbox } from "../../src/app/outbox.js";
import { loadConfig } from "../../src/config.js";
import { buildServer } from "../../src/http/server.js";
import { type Api, startApi } from "../support/http.js";
import { addBusiness, lineCounters, rowCounts, type Scenario, scenario } from "../support/scenario.js";
import { type Received, startSmtp, type TestSmtp } from "../support/smtp.js";

const FROM = "Salon <salon@example.test>";

let s: Scenario;
let api: Api;
let slug: string;
let smtp: TestSmtp;
let addressN = 0;

// The first scenario builds the migrated template database: slow on a shared, busy machine.
beforeEach(async () => {
  s = await scenario();
  api = await startApi(s);
  smtp = await startSmtp();
  slug = (
    await s.database.db
      .selectFrom("businesses")
      .select("slug")
      .where("id", "=", s.businessId)
      .executeTakeFirstOrThrow()
  ).slug;
}, 180_000);
afterEach(async () => {
  await smtp?.close();
  await api?.close();
  await s?.close();
});

const publicPath = () => `/api/v1/public/businesses/${slug}`;
/** every request from an address of its own, unless a test is about addresses */
const nextAddress = () => `198.51.100.${(++addressN % 250) + 1}`;

interface BookingBody {
  locationId: string;
  staffId: string;
  itemId: string;
  startAt: string;
  name: string;
  email: string;
  phone?: string;
}

const booking = (over: Partial<BookingBody> = {}): BookingBody => ({
  locationId: s.budapest,
  staffId: s.staff.practitioner.staffId,
  itemId: s.items.manicure,
  startAt: "2026-06-02T07:00:00Z", // 09:00 in Budapest, the day after "now" (2026-06-01 12:00)
  name: "Online Olga",
  email: "olga@example.test",
  ...over,
});

function requestBooking(body: unknown, remoteAddress = nextAddress()) {
  return api.server.inject({
    method: "POST",
    url: `${publicPath()}/bookings`,
    payload: body as object,
    remoteAddress,
  });
}

async function freeSlots(date: string, staffId = s.staff.practitioner.staffId, itemId = s.items.manicure) {
  const q = `locationId=${s.budapest}&staffId=${staffId}&itemId=${itemId}&date=${date}`;
  const res = await api.call(null, "GET", `${publicPath()}/slots?${q}`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as string[];
}

function expectRefusal(res: LightMyRequestResponse, status: number, code: string, field?: string) {
  expect(res.statusCode, res.body).toBe(status);
  expect(res.json().error).toMatchObject({ code, ...(field ? { field } : {}) });
}

/** Sends what the outbox holds through the test's SMTP server, as the outbox job does. */
async function deliverMail(): Promise<Received[]> {
  const mailer = createMailer({ host: "127.0.0.1", port: smtp.port, from: FROM, logFile: "" });
  try {
    await deliverOutbox(s.app, mailer, FROM, s.clock.now);
  } finally {
    mailer.close();
  }
  return smtp.received;
}

function confirmationToken(mail: Received): string {
  const match = /https?:\/\/[^\s/]+\/confirm-booking\/([A-Za-z0-9_-]{20,100})/.exec(mail.body);
  expect(match, mail.body).not.toBeNull();
  return match![1]!;
}

const viewRequest = (token: string) => api.call(null, "GET", `/api/v1/public/booking-requests/${token}`);
const confirm = (token: string) => api.call(null, "POST", `/api/v1/public/booking-requests/${token}/confirm`);

async function appointmentsOf(customerId: string) {
  return s.database.db
    .selectFrom("appointments")
    .select(["id", "start_at", "staff_id", "channel", "status", "notes"])
    .where("customer_id", "=", customerId)
    .execute();
}

/** Every text column of every table in the public schema, as one string (to look for a secret). */
async function everythingStored(): Promise<string> {
  const tables = await sql<{ name: string }>`
    SELECT table_name AS name FROM information_schema.tables
     WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`.execute(s.database.db);
  let all = "";
  for (const t of tables.rows) {
    const { rows } = await sql<{ t: string | null }>`
      SELECT string_agg(x::text, '|') AS t FROM ${sql.table(t.name)} x`.execute(s.database.db);
    all += rows[0]?.t ?? "";
  }
  return all;
}

describe("A10: a public booking is one of the free slots the page offers", () => {
  it("refuses a start 30 days in the past, at 03:17 at night, in year 9999, and with a front-desk member; writes nothing", async () => {
    const before = await rowCounts(s.database);
    expectRefusal(
      await requestBooking(booking({ startAt: "2026-05-02T07:00:00Z" })),
      400,
      "start_in_past",
      "startAt",
    );
    // 03:17 in Budapest (CEST) the next day: not a slot of the opening hours.
    expectRefusal(
      await requestBooking(booking({ startAt: "2026-06-02T01:17:00Z" })),
      400,
      "slot_not_offered",
      "startAt",
    );
    const year9999 = await requestBooking(booking({ startAt: "9999-06-02T07:00:00Z" }));
    expect(year9999.statusCode, year9999.body).toBe(400);
    expect(year9999.json().error.field).toBe("startAt");
    expectRefusal(
      await requestBooking(booking({ startAt: "2150-06-02T07:00:00Z" })),
      400,
      "start_beyond_booking_window",
      "startAt",
    );
    // The front desk performs no services: the public catalog does not offer them.
    const catalog = (await api.call(null, "GET", publicPath())).json();
    expect(catalog.staff.map((x: { id: string }) => x.id)).not.toContain(s.staff.front_desk.staffId);
    expectRefusal(
      await requestBooking(booking({ staffId: s.staff.front_desk.staffId })),
      404,
      "staff_not_found",
      "staffId",
    );
    expect(await rowCounts(s.database)).toEqual(before);
  });

  it("refuses an inactive service and another business's staff member or service", async () => {
    const other = await addBusiness(s.database, s.clock, "Other Salon");
    const before = await rowCounts(s.database);
    expectRefusal(
      await requestBooking(booking({ staffId: other.staff.practitioner.staffId })),
      404,
      "staff_not_found",
      "staffId",
    );
    expectRefusal(
      await requestBooking(booking({ itemId: other.items.manicure })),
      404,
      "item_not_found",
      "itemId",
    );
    expectRefusal(await requestBooking(booking({ itemId: s.items.oil })), 404, "item_not_found", "itemId");
    expect(await rowCounts(s.database)).toEqual(before);
    await updateItem(s.as("owner"), s.items.manicure, { active: false });
    const after = await rowCounts(s.database);
    expectRefusal(await requestBooking(booking()), 404, "item_not_found", "itemId");
    expect(await rowCounts(s.database)).toEqual(after);
  });

  it("keeps to the business's booking window: a minimum notice and a number of days ahead, which the owner sets", async () => {
    // Defaults: 2 hours' notice, 60 days ahead. Now is 12:00 in Budapest.
    const today = await freeSlots("2026-06-01");
    expect(today[0]).toBe("2026-06-01T12:00:00Z"); // 14:00: two hours from now
    expectRefusal(
      await requestBooking(booking({ startAt: "2026-06-01T11:00:00Z" })),
      400,
      "start_too_soon",
      "startAt",
    );
    expect(await freeSlots("2026-07-31")).toHaveLength(18);
    expect(await freeSlots("2026-08-01")).toEqual([]);
    expectRefusal(
      await requestBooking(booking({ startAt: "2026-08-01T07:00:00Z" })),
      400,
      "start_beyond_booking_window",
      "startAt",
    );

    const settings = await api.call("owner", "PATCH", "/api/v1/business/settings", {
      onlineBookingDaysAhead: 90,
      onlineBookingMinNoticeMinutes: 24 * 60,
    });
    expect(settings.statusCode, settings.body).toBe(200);
    expect(settings.json().settings).toMatchObject({
      onlineBookingDaysAhead: 90,
      onlineBookingMinNoticeMinutes: 1440,
    });
    expect((await api.call("practitioner", "GET", "/api/v1/business")).json().settings).toMatchObject({
      onlineBookingDaysAhead: 90,
      onlineBookingMinNoticeMinutes: 1440,
    });
    expect(await freeSlots("2026-06-01")).toEqual([]);
    expect((await freeSlots("2026-06-02"))[0]).toBe("2026-06-02T10:00:00Z"); // 12:00: a day from now
    expect((await requestBooking(booking({ startAt: "2026-08-01T07:00:00Z" }))).statusCode).toBe(202);
    const refused = await api.call("manager", "PATCH", "/api/v1/business/settings", {
      onlineBookingDaysAhead: 7,
    });
    expect(refused.statusCode).toBe(403);
    for (const bad of [{ onlineBookingDaysAhead: 0 }, { onlineBookingMinNoticeMinutes: -5 }]) {
      const res = await api.call("owner", "PATCH", "/api/v1/business/settings", bad);
      expect(res.statusCode, JSON.stringify(bad)).toBe(400);
      expect(res.json().error.field).toBe(Object.keys(bad)[0]);
    }
  });

  it("a slot the staff member is busy in is not offered, and refused as taken", async () => {
    const customerId = await s.customer("Walk-in Vera");
    await bookAppointment(s.as("front_desk"), {
      customerId,
      staffId: s.staff.practitioner.staffId,
      startAt: "2026-06-02T07:00:00Z",
      services: [{ itemId: s.items.manicure }],
    });
    expect(await freeSlots("2026-06-02")).not.toContain("2026-06-02T07:00:00Z");
    const before = await rowCounts(s.database);
    expectRefusal(await requestBooking(booking()), 409, "slot_taken", "startAt");
    expect(await rowCounts(s.database)).toEqual(before);
  });

  it("a booking through the customer's balance link is held to the same slots", async () => {
    const template = await s.template({ items: [{ itemId: s.items.manicure, quantity: 5 }] });
    await updateTemplate(s.as("owner"), template, { onlineBookable: true });
    const pkg = await s.sold(template);
    const minted = await api.call("front_desk", "POST", `/api/v1/customers/${pkg.customerId}/balance-link`);
    expect(minted.statusCode, minted.body).toBe(201);
    const token = minted.json().token as string;
    const body = {
      packageLineId: pkg.lineId,
      locationId: s.budapest,
      staffId: s.staff.practitioner.staffId,
      startAt: "2026-06-02T01:17:00Z",
    };
    const url = `/api/v1/public/balance/${token}/bookings`;
    expectRefusal(await api.call(null, "POST", url, body), 400, "slot_not_offered", "startAt");
    expectRefusal(
      await api.call(null, "POST", url, { ...body, startAt: "2026-05-02T07:00:00Z" }),
      400,
      "start_in_past",
      "startAt",
    );
    expectRefusal(
      await api.call(null, "POST", url, {
        ...body,
        startAt: "2026-06-02T07:00:00Z",
        staffId: s.staff.front_desk.staffId,
      }),
      404,
      "staff_not_found",
      "staffId",
    );
    expect(await lineCounters(s.database, pkg.lineId)).toMatchObject({ booked: 0 });
  });
});

describe("A10: booking requests are rate-limited", () => {
  it("one script cannot take a practitioner's day: the address is refused after 10 requests, and no request holds a slot or makes a customer", async () => {
    const day = await freeSlots("2026-06-02");
    expect(day).toHaveLength(18);
    const before = await rowCounts(s.database);
    const statuses: number[] = [];
    for (const [i, startAt] of day.entries()) {
      const res = await requestBooking(booking({ startAt, email: `bot${i}@example.test` }), "203.0.113.7");
      statuses.push(res.statusCode);
      if (res.statusCode === 429) {
        expect(res.json().error.code).toBe("too_many_booking_requests");
        // The limit is per hour: Retry-After says how long is left of it, in seconds.
        expect(Number(res.headers["retry-after"])).toBeGreaterThan(0);
        expect(Number(res.headers["retry-after"])).toBeLessThanOrEqual(3600);
      }
    }
    expect(statuses).toEqual([...Array(10).fill(202), ...Array(8).fill(429)]);
    const after = await rowCounts(s.database);
    expect(after.customers).toBe(before.customers);
    expect(after.appointments).toBe(before.appointments);
    expect(await freeSlots("2026-06-02")).toEqual(day);
    // Another address is not held back by that one.
    expect((await requestBooking(booking({ startAt: day[0]! }), "203.0.113.8")).statusCode).toBe(202);
    // The window is an hour.
    s.clock.advance({ hours: 1 });
    expect(
      (await requestBooking(booking({ startAt: day[1]!, email: "bot99@example.test" }), "203.0.113.7"))
        .statusCode,
    ).toBe(202);
  });

  it("one e-mail address gets at most 5 booking requests a day, from any address", async () => {
    const day = await freeSlots("2026-06-03");
    for (const startAt of day.slice(0, 5))
      expect((await requestBooking(booking({ startAt, email: "Victim@Example.test" }))).statusCode).toBe(202);
    const before = await rowCounts(s.database);
    expectRefusal(
      await requestBooking(booking({ startAt: day[5]!, email: "victim@example.test" })),
      429,
      "too_many_booking_requests_for_email",
      "email",
    );
    expect(await rowCounts(s.database)).toEqual(before);
    await deliverMail();
    expect(smtp.received.filter((m) => m.envelopeTo[0] === "victim@example.test")).toHaveLength(5);
    s.clock.advance({ hours: 24 });
    expect(
      (await requestBooking(booking({ startAt: "2026-06-04T07:00:00Z", email: "victim@example.test" })))
        .statusCode,
    ).toBe(202);
  });
});

describe("A10: a booking is made only from the link e-mailed to the address given", () => {
  it("answers 202 with only what the caller sent: a known customer's e-mail reveals neither her stored name nor her id, and attaches nothing", async () => {
    const anna = await createCustomer(s.as("front_desk"), {
      name: "Anna Kertész",
      email: "anna@example.test",
    });
    const before = await rowCounts(s.database);
    const res = await requestBooking(booking({ name: "Mallory", email: "ANNA@example.test" }));
    expect(res.statusCode, res.body).toBe(202);
    expect(res.body).not.toContain("Anna Kertész");
    expect(res.body).not.toContain(anna.id);
    expect(res.json()).toMatchObject({
      status: "awaiting_confirmation",
      name: "Mallory",
      email: "anna@example.test",
      startAt: "2026-06-02T07:00:00.000Z",
      service: { name: "Manicure" },
      staff: { name: "practitioner of Salon" },
    });
    const after = await rowCounts(s.database);
    expect(after.customers).toBe(before.customers);
    expect(after.appointments).toBe(before.appointments);
    expect(await appointmentsOf(anna.id)).toEqual([]);
    // The time is not held until the link is opened.
    expect(await freeSlots("2026-06-02")).toContain("2026-06-02T07:00:00Z");
  });

  it("the link, sent over SMTP, books it once for the customer with that e-mail; nothing shows her stored name", async () => {
    const anna = await createCustomer(s.as("front_desk"), {
      name: "Anna Kertész",
      email: "anna@example.test",
    });
    expect(
      (
        await requestBooking(
          booking({ name: "Anna K.", email: "anna@example.test", phone: "+36 30 111 2222" }),
        )
      ).statusCode,
    ).toBe(202);
    const [mail] = await deliverMail();
    expect(mail!.envelopeTo).toEqual(["anna@example.test"]);
    expect(mail!.headers.subject).toContain("Confirm");
    expect(mail!.body).toContain("Manicure");
    expect(mail!.body).not.toContain("Anna Kertész");
    const token = confirmationToken(mail!);

    // Stored as a hash: the token is nowhere in the database, the sent e-mail's copy included.
    expect(await everythingStored()).not.toContain(token);

    const view = await viewRequest(token);
    expect(view.statusCode, view.body).toBe(200);
    expect(view.json()).toMatchObject({
      status: "awaiting_confirmation",
      name: "Anna K.",
      service: { name: "Manicure" },
    });
    expect(view.body).not.toContain("Anna Kertész");
    expect(await appointmentsOf(anna.id)).toEqual([]);

    const done = await confirm(token);
    expect(done.statusCode, done.body).toBe(200);
    expect(done.json()).toMatchObject({
      status: "confirmed",
      name: "Anna K.",
      startAt: "2026-06-02T07:00:00.000Z",
    });
    expect(done.body).not.toContain("Anna Kertész");
    expect(done.body).not.toContain(anna.id);
    const booked = await appointmentsOf(anna.id);
    expect(booked).toHaveLength(1);
    expect(booked[0]).toMatchObject({
      channel: "online",
      status: "booked",
      staff_id: s.staff.practitioner.staffId,
    });
    expect(booked[0]!.start_at.toISOString()).toBe("2026-06-02T07:00:00.000Z");
    // Staff see what the caller gave, next to the customer it was attached to.
    expect(booked[0]!.notes).toContain("Anna K.");
    expect(await freeSlots("2026-06-02")).not.toContain("2026-06-02T07:00:00Z");

    // Single use: opening the link again shows the booking and books nothing more.
    const again = await confirm(token);
    expect(again.statusCode, again.body).toBe(200);
    expect(again.json().status).toBe("confirmed");
    expect(await appointmentsOf(anna.id)).toHaveLength(1);
  });

  it("a new e-mail address becomes a customer only when the link is opened", async () => {
    const before = await rowCounts(s.database);
    expect((await requestBooking(booking({ name: "Nóra New", email: "nora@example.test" }))).statusCode).toBe(
      202,
    );
    expect((await rowCounts(s.database)).customers).toBe(before.customers);
    const [mail] = await deliverMail();
    expect((await confirm(confirmationToken(mail!))).statusCode).toBe(200);
    const customers = await s.database.db
      .selectFrom("customers")
      .selectAll()
      .where("business_id", "=", s.businessId)
      .where("email", "=", "nora@example.test")
      .execute();
    expect(customers).toHaveLength(1);
    expect(customers[0]).toMatchObject({ name: "Nóra New", balance_token_hash: null });
    expect(await appointmentsOf(customers[0]!.id)).toHaveLength(1);
  });

  it("an unconfirmed request holds nothing: a slot taken meanwhile is refused at the link, and the link ends after an hour", async () => {
    expect((await requestBooking(booking())).statusCode).toBe(202);
    expect(
      (await requestBooking(booking({ startAt: "2026-06-02T08:00:00Z", email: "late@example.test" })))
        .statusCode,
    ).toBe(202);
    const mails = await deliverMail();
    const first = mails.find((m) => m.envelopeTo[0] === "olga@example.test");
    const second = mails.find((m) => m.envelopeTo[0] === "late@example.test");
    const customerId = await s.customer("Walk-in Vera");
    await bookAppointment(s.as("front_desk"), {
      customerId,
      staffId: s.staff.practitioner.staffId,
      startAt: "2026-06-02T07:00:00Z",
      services: [{ itemId: s.items.manicure }],
    });
    const before = await rowCounts(s.database);
    expectRefusal(await confirm(confirmationToken(first!)), 409, "slot_taken", "startAt");
    expect(await rowCounts(s.database)).toEqual(before);

    s.clock.advance({ minutes: 61 });
    expectRefusal(await confirm(confirmationToken(second!)), 404, "booking_request_expired");
    expectRefusal(await viewRequest(confirmationToken(second!)), 404, "booking_request_expired");
    expect(await rowCounts(s.database)).toEqual(before);
    expectRefusal(await confirm("not-a-token-of-this-server-000000"), 404, "booking_request_not_found");
  });
});

it("A10: old booking requests and request counts are forgotten on the scheduler's round, for every business", async () => {
  expect((await requestBooking(booking())).statusCode).toBe(202);
  const count = async () => {
    const { rows } = await sql<{ requests: number; counts: number }>`
      SELECT (SELECT count(*)::int FROM online_booking_requests) AS requests,
             (SELECT count(*)::int FROM public_request_counts) AS counts`.execute(s.database.db);
    return rows[0]!;
  };
  expect(await count()).toEqual({ requests: 1, counts: 2 });
  await forgetOldRequests(s.database.db, null, s.clock.now.add({ hours: 24 }));
  expect(await count()).toEqual({ requests: 1, counts: 2 });
  await forgetOldRequests(s.database.db, null, s.clock.now.add({ hours: 8 * 24 }));
  expect(await count()).toEqual({ requests: 0, counts: 0 });
});

describe("A10: the e-mailed link points at the business's own address", () => {
  it("uses CARNET_PUBLIC_URL; without it, a request with a foreign Host header sends nothing and writes nothing", async () => {
    const ask = (target: FastifyInstance) =>
      target.inject({
        method: "POST",
        url: `${publicPath()}/bookings`,
        payload: booking(),
        headers: { host: "evil.example" },
        remoteAddress: nextAddress(),
      });
    const before = await rowCounts(s.database);
    expectRefusal(await ask(api.server), 503, "online_booking_unavailable");
    expect(await rowCounts(s.database)).toEqual(before);
    const configured = await buildServer(s.app, {
      logger: false,
      secureCookies: false,
      demoLogins: null,
      publicUrl: loadConfig({ CARNET_PUBLIC_URL: "https://book.salon.example/" }).publicUrl,
    });
    try {
      expect((await ask(configured)).statusCode).toBe(202);
    } finally {
      await configured.close();
    }
    const [mail] = await deliverMail();
    expect(mail!.body).toContain("https://book.salon.example/confirm-booking/");
    expect(mail!.body).not.toContain("evil.example");
  });
});

it("a package is booked online only by the customer's link, and only when its template allows it", async () => {
  const template = await s.template({ items: [{ itemId: s.items.manicure, quantity: 5 }] });
  const pkg = await s.sold(template);
  const minted = await api.call("front_desk", "POST", `/api/v1/customers/${pkg.customerId}/balance-link`);
  expect(minted.statusCode, minted.body).toBe(201);
  const token = minted.json().token as string;
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
