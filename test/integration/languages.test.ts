// U1, U2: the languages in the data. The business has a language (its staff's and customers'
// default), a staff member and a customer may have their own, a location has a locale (from its time
// zone unless chosen). Every e-mail speaks its reader's language with the location's dates, clocks
// and money: a Hungarian customer of the Budapest salon reads "2026. június 6.", "14:00" and "Ft".
import type { LightMyRequestResponse } from "fastify";
import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { inviteStaff } from "../../src/app/accounts/invitations.js";
import { requestPasswordReset } from "../../src/app/accounts/passwords.js";
import { cancelSession, createSession, enrol } from "../../src/app/classes.js";
import { updateSettings } from "../../src/app/manage-business.js";
import { createCustomer } from "../../src/app/manage-customers.js";
import { migrate } from "../../src/db/migrate.js";
import type { Role } from "../../src/db/schema.js";
import { queueExpiryReminders } from "../../src/jobs/expiry-reminders.js";
import { businessSlug, ROLES, scenarioWithApiEach } from "../support/api-scenario.js";
import type { Api } from "../support/http.js";
import type { Scenario } from "../support/scenario.js";
import { databaseBefore } from "../support/test-db.js";

let s: Scenario;
let api: Api;
scenarioWithApiEach((scenario, started) => {
  s = scenario;
  api = started;
});

function expectRefusal(res: LightMyRequestResponse, status: number, code: string, field: string) {
  expect(res.statusCode, res.body).toBe(status);
  expect(res.json().error).toMatchObject({ code, field });
}

const me = async (role: Role) => {
  const res = await api.call(role, "GET", "/api/v1/auth/me");
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
};

const mails = () =>
  s.database.db
    .selectFrom("outbox")
    .select(["to_address", "subject", "body_text"])
    .orderBy("created_at")
    .orderBy("id")
    .execute();

/** A 24-hour clock time ("14:00") and no 12-hour one ("2:00 PM"). */
const TWENTY_FOUR_HOUR = /\b1[3-9]:\d\d\b|\b2[0-3]:\d\d\b/;
const TWELVE_HOUR = /\d\s?(AM|PM)\b/i;

describe("U2: who speaks which language", () => {
  it("GET /auth/me: the staff member's own language (none yet), the business's, and every location's locale from its zone", async () => {
    const m = await me("front_desk");
    expect(m.staff.language).toBeNull();
    expect(m.business.language).toBe("en");
    expect(m.location).toMatchObject({ id: s.budapest, locale: "hu-HU" });
    expect(m.locations.map((l: { id: string; locale: string }) => [l.id, l.locale]).sort()).toEqual(
      [
        [s.budapest, "hu-HU"],
        [s.newYork, "en-US"],
      ].sort(),
    );
  });

  it("every role chooses its own language (PATCH /auth/me), which changes nobody else's; null follows the business", async () => {
    for (const role of ROLES) {
      const res = await api.call(role, "PATCH", "/api/v1/auth/me", { language: "hu" });
      expect(res.statusCode, `${role}: ${res.body}`).toBe(200);
      expect(res.json()).toEqual({ language: "hu" });
      expect((await me(role)).staff.language).toBe("hu");
    }
    expect((await api.call("manager", "PATCH", "/api/v1/auth/me", { language: null })).statusCode).toBe(200);
    expect((await me("manager")).staff.language).toBeNull();
    expect((await me("owner")).staff.language).toBe("hu");
    expect((await me("owner")).business.language).toBe("en");
  });

  it("a language Carnet has no words for, or not a language at all, is a 400 naming the field", async () => {
    expectRefusal(
      await api.call("front_desk", "PATCH", "/api/v1/auth/me", { language: "de" }),
      400,
      "unknown_language",
      "language",
    );
    expectRefusal(
      await api.call("front_desk", "PATCH", "/api/v1/auth/me", { language: "Magyar" }),
      400,
      "invalid_input",
      "language",
    );
    expectRefusal(
      await api.call("front_desk", "PATCH", "/api/v1/auth/me", {}),
      400,
      "invalid_input",
      "language",
    );
    expect((await me("front_desk")).staff.language).toBeNull();
  });

  it("the owner sets the business's language in Settings (logged); a manager may not; an unknown one is refused", async () => {
    expect(
      (await api.call("manager", "PATCH", "/api/v1/business/settings", { language: "hu" })).statusCode,
    ).toBe(403);
    expectRefusal(
      await api.call("owner", "PATCH", "/api/v1/business/settings", { language: "xx" }),
      400,
      "unknown_language",
      "language",
    );
    const res = await api.call("owner", "PATCH", "/api/v1/business/settings", { language: "hu" });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().language).toBe("hu");
    expect((await api.call("practitioner", "GET", "/api/v1/business")).json().language).toBe("hu");
    expect((await me("practitioner")).business.language).toBe("hu");
    const logged = await s.database.db
      .selectFrom("activity_log")
      .select("details")
      .where("business_id", "=", s.businessId)
      .where("action", "=", "change_settings")
      .executeTakeFirstOrThrow();
    expect(JSON.stringify(logged.details)).toContain('"language"');
  });

  it("a location's locale: from its zone when not chosen, chosen when added or edited, kept when the zone changes; a wrong one is a 400", async () => {
    const vienna = await api.call("owner", "POST", "/api/v1/locations", {
      name: "Wien",
      timeZone: "Europe/Vienna",
      currency: "EUR",
    });
    expect(vienna.statusCode, vienna.body).toBe(201);
    expect(vienna.json().locale).toBe("en-GB");
    const chosen = await api.call("owner", "POST", "/api/v1/locations", {
      name: "Wien 2",
      timeZone: "Europe/Vienna",
      currency: "EUR",
      locale: "de-AT",
    });
    expect(chosen.json().locale).toBe("de-AT");
    const id = vienna.json().id as string;
    const edited = await api.call("owner", "PATCH", `/api/v1/locations/${id}`, { locale: "de-AT" });
    expect(edited.statusCode, edited.body).toBe(200);
    expect(edited.json().locale).toBe("de-AT");
    const moved = await api.call("owner", "PATCH", `/api/v1/locations/${id}`, {
      timeZone: "Europe/Budapest",
    });
    expect(moved.json()).toMatchObject({ timeZone: "Europe/Budapest", locale: "de-AT" });
    expectRefusal(
      await api.call("owner", "PATCH", `/api/v1/locations/${id}`, { locale: "hungarian" }),
      400,
      "invalid_input",
      "locale",
    );
    expectRefusal(
      await api.call("owner", "PATCH", `/api/v1/locations/${id}`, { locale: "xx-XX" }),
      400,
      "invalid_locale",
      "locale",
    );
    expectRefusal(
      await api.call("owner", "POST", "/api/v1/locations", {
        name: "Wien 3",
        timeZone: "Europe/Vienna",
        currency: "EUR",
        locale: "de_AT",
      }),
      400,
      "invalid_input",
      "locale",
    );
    expect(
      (await api.call("manager", "PATCH", `/api/v1/locations/${id}`, { locale: "en-GB" })).statusCode,
    ).toBe(403);
  });

  it("customers carry a language when created and edited, and in every view of them; null is the business's", async () => {
    const created = await api.call("front_desk", "POST", "/api/v1/customers", {
      name: "Bella Fodor",
      language: "hu",
    });
    expect(created.statusCode, created.body).toBe(201);
    const bella = created.json();
    expect(bella.language).toBe("hu");
    expect((await api.call("practitioner", "GET", `/api/v1/customers/${bella.id}`)).json().language).toBe(
      "hu",
    );
    const listed = (await api.call("front_desk", "GET", "/api/v1/customers?q=Bella")).json();
    expect(JSON.stringify(listed)).toContain('"language":"hu"');
    const cleared = await api.call("front_desk", "PATCH", `/api/v1/customers/${bella.id}`, {
      language: null,
    });
    expect(cleared.json().language).toBeNull();
    const plain = await api.call("front_desk", "POST", "/api/v1/customers", { name: "Anna Kertész" });
    expect(plain.json().language).toBeNull();
    expectRefusal(
      await api.call("front_desk", "PATCH", `/api/v1/customers/${bella.id}`, { language: "fr" }),
      400,
      "unknown_language",
      "language",
    );
    expectRefusal(
      await api.call("front_desk", "POST", "/api/v1/customers", { name: "X", language: 7 }),
      400,
      "invalid_input",
      "language",
    );
    expect(
      (await api.call("practitioner", "PATCH", `/api/v1/customers/${bella.id}`, { language: "hu" }))
        .statusCode,
    ).toBe(403);
  });

  it("the database refuses a language or a locale of the wrong shape, and gives a new location its zone's locale", async () => {
    const db = s.database.db;
    await s.customer();
    await expect(
      db
        .updateTable("customers")
        .set({ language: "Hungarian" })
        .where("business_id", "=", s.businessId)
        .execute(),
    ).rejects.toThrow(/customer_language_shape/);
    await expect(
      db.updateTable("businesses").set({ language: "EN" }).where("id", "=", s.businessId).execute(),
    ).rejects.toThrow(/business_language_shape/);
    await expect(
      db.updateTable("locations").set({ locale: "hu" }).where("business_id", "=", s.businessId).execute(),
    ).rejects.toThrow(/location_locale_shape/);
    const made = await db
      .insertInto("locations")
      .values({ business_id: s.businessId, name: "Chicago", time_zone: "America/Chicago", currency: "USD" })
      .returning("locale")
      .executeTakeFirstOrThrow();
    expect(made.locale).toBe("en-US");
  });
});

describe("U1: migration 0018 gives existing locations their zone's locale", () => {
  it("Budapest → hu-HU, America/* → en-US, elsewhere en-GB; businesses speak English", async () => {
    const { database, dispose } = await databaseBefore("0018_language.sql");
    try {
      await database.exec(`
        INSERT INTO businesses (id, name, slug) VALUES ('00000000-0000-4000-8000-0000000000c1', 'Old Salon', 'old-salon-18');
        INSERT INTO locations (business_id, name, time_zone, currency) VALUES
          ('00000000-0000-4000-8000-0000000000c1', 'Pest', 'Europe/Budapest', 'HUF'),
          ('00000000-0000-4000-8000-0000000000c1', 'Queens', 'America/New_York', 'USD'),
          ('00000000-0000-4000-8000-0000000000c1', 'Wien', 'Europe/Vienna', 'EUR');`);
      await migrate(database);
      const rows = await sql<{ name: string; locale: string }>`
        SELECT name, locale FROM locations ORDER BY name`.execute(database.db);
      expect(rows.rows).toEqual([
        { name: "Pest", locale: "hu-HU" },
        { name: "Queens", locale: "en-US" },
        { name: "Wien", locale: "en-GB" },
      ]);
      const business = await database.db
        .selectFrom("businesses")
        .select("language")
        .executeTakeFirstOrThrow();
      expect(business.language).toBe("en");
    } finally {
      await dispose();
    }
  }, 180_000); // a new database, migrated file by file: slow on a shared, busy machine
});

describe("U2: e-mails in the reader's language, U1: with the location's dates, clocks and money", () => {
  const hungarian = (name: string, email: string) =>
    createCustomer(s.as("front_desk"), { name, email, language: "hu" });

  it("the expiry reminder: Hungarian for a Hungarian customer, English for the others, dated as the sale's location dates", async () => {
    await updateSettings(s.as("owner"), { reminderDaysBeforeExpiry: 7 });
    const template = await s.template({
      name: "Tavaszi kéz",
      validity: { kind: "days", count: 5 },
      items: [{ itemId: s.items.manicure, quantity: 5 }],
    });
    const bella = await hungarian("Fodor Bella", "bella@example.test");
    const anna = await createCustomer(s.as("front_desk"), {
      name: "Anna Kertész",
      email: "anna@example.test",
    });
    await s.sold(template, { customerId: bella.id });
    await s.sold(template, { customerId: anna.id });
    expect(await queueExpiryReminders(s.app, s.clock.now)).toBe(2);
    const [toAnna, toBella] = [...(await mails())].sort((a, b) => a.to_address.localeCompare(b.to_address));
    expect(toBella!.subject).toBe("Hamarosan lejár a bérlete: Tavaszi kéz (2026. június 6.)");
    expect(toBella!.body_text).toContain("Kedves Fodor Bella!");
    expect(toBella!.body_text).toContain("2026. június 6. végéig érvényes");
    expect(toBella!.body_text).toContain("5 × Manicure");
    expect(toBella!.body_text).not.toMatch(/Dear|valid until/);
    expect(toAnna!.subject).toBe("Your Tavaszi kéz expires on 6 June 2026");
    expect(toAnna!.body_text).toContain("Dear Anna Kertész,");
  });

  it("the expiry reminder follows the business's language for a customer who has none", async () => {
    await updateSettings(s.as("owner"), { reminderDaysBeforeExpiry: 7, language: "hu" });
    const template = await s.template({
      name: "Tavaszi kéz",
      validity: { kind: "days", count: 5 },
      items: [{ itemId: s.items.manicure, quantity: 5 }],
    });
    const anna = await createCustomer(s.as("front_desk"), {
      name: "Anna Kertész",
      email: "anna@example.test",
    });
    await s.sold(template, { customerId: anna.id });
    await queueExpiryReminders(s.app, s.clock.now);
    expect((await mails())[0]!.subject).toContain("Hamarosan lejár a bérlete");
  });

  it("the online booking's link: Hungarian with a 24-hour time and Ft for a Hungarian customer's address; its page speaks Hungarian, the anonymous answer does not", async () => {
    await hungarian("Fodor Bella", "bella@example.test");
    const slug = await businessSlug(s);
    const q = `locationId=${s.budapest}&staffId=${s.staff.practitioner.staffId}&itemId=${s.items.manicure}&date=2026-06-02`;
    const slots = (
      await api.call(null, "GET", `/api/v1/public/businesses/${slug}/slots?${q}`)
    ).json() as string[];
    // An afternoon slot: 13:00 or later in Budapest (11:00Z in summer time).
    const afternoon = slots.find((t) => t >= "2026-06-02T11:00:00Z");
    expect(afternoon, JSON.stringify(slots)).toBeDefined();
    const asked = await api.server.inject({
      method: "POST",
      url: `/api/v1/public/businesses/${slug}/bookings`,
      payload: {
        locationId: s.budapest,
        staffId: s.staff.practitioner.staffId,
        itemId: s.items.manicure,
        startAt: afternoon,
        name: "Bella",
        email: "Bella@Example.test",
      },
      remoteAddress: "198.51.100.7",
    });
    expect(asked.statusCode, asked.body).toBe(202);
    expect(asked.json().language).toBe("en");
    const [mail] = await mails();
    expect(mail!.subject).toBe("Kérjük, erősítse meg foglalását: Salon");
    expect(mail!.body_text).toMatch(TWENTY_FOUR_HOUR);
    expect(mail!.body_text).not.toMatch(TWELVE_HOUR);
    // Intl writes the thousands apart with a (narrow) no-break space.
    expect(mail!.body_text).toMatch(/12\s000\sFt/u);
    expect(mail!.body_text).toContain("a helyszínen fizetendő");
    const token = /\/confirm-booking\/([A-Za-z0-9_-]+)/.exec(mail!.body_text)![1]!;
    const page = (await api.call(null, "GET", `/api/v1/public/booking-requests/${token}`)).json();
    expect(page.language).toBe("hu");
    expect(page.location.locale).toBe("hu-HU");
  });

  it("a cancelled class: the Hungarian attendee's mail has the time on a 24-hour clock", async () => {
    const bella = await hungarian("Fodor Bella", "bella@example.test");
    const session = await createSession(s.as("manager"), {
      itemId: s.items.yoga,
      instructorId: s.staff.practitioner.staffId,
      startAt: "2026-06-03T16:30:00Z", // 18:30 in Budapest
      capacity: 5,
    });
    await enrol(s.as("front_desk"), session.id, { customerId: bella.id });
    await cancelSession(s.as("manager"), session.id, "az oktató beteg");
    const [mail] = await mails();
    expect(mail!.subject).toBe("Elmarad: Yoga class, 2026. június 3.");
    expect(mail!.body_text).toContain("18:30");
    expect(mail!.body_text).toContain("elmarad: az oktató beteg.");
  });

  it("account mails: an invitation in the business's language; a password reset in the staff member's own", async () => {
    await updateSettings(s.as("owner"), { language: "hu" });
    await inviteStaff(
      s.as("owner"),
      { name: "Kata", email: "kata@example.test", role: "front_desk", homeLocationId: s.budapest },
      { linkBase: "http://carnet.test" },
    );
    await api.call("manager", "PATCH", "/api/v1/auth/me", { language: "en" });
    await requestPasswordReset(s.app, {
      email: s.staff.manager.email,
      ip: "198.51.100.9",
      linkBase: "http://carnet.test",
    });
    await requestPasswordReset(s.app, {
      email: s.staff.practitioner.email,
      ip: "198.51.100.10",
      linkBase: "http://carnet.test",
    });
    const byAddress = new Map((await mails()).map((m) => [m.to_address, m]));
    expect(byAddress.get("kata@example.test")!.body_text).toContain("recepciósként dolgozzon");
    expect(byAddress.get(s.staff.manager.email)!.subject).toBe("Reset your Carnet password");
    expect(byAddress.get(s.staff.practitioner.email)!.subject).toBe("Carnet-jelszó visszaállítása");
  });
});

describe("R4, U2: the customer's balance page speaks their language and formats as their location", () => {
  it("a Hungarian customer's page: hu at hu-HU; a customer without a language: the business's", async () => {
    const bella = await hungarian();
    const link = (await api.call("front_desk", "POST", `/api/v1/customers/${bella}/balance-link`)).json();
    const page = (await api.call(null, "GET", `/api/v1/public/balance/${link.token}`)).json();
    expect(page).toMatchObject({ language: "hu", locale: "hu-HU" });
    const anna = (await api.call("front_desk", "POST", "/api/v1/customers", { name: "Anna" })).json();
    const annaLink = (
      await api.call("front_desk", "POST", `/api/v1/customers/${anna.id}/balance-link`)
    ).json();
    expect((await api.call(null, "GET", `/api/v1/public/balance/${annaLink.token}`)).json().language).toBe(
      "en",
    );
    await api.call("owner", "PATCH", "/api/v1/business/settings", { language: "hu" });
    expect((await api.call(null, "GET", `/api/v1/public/balance/${annaLink.token}`)).json().language).toBe(
      "hu",
    );
  });

  async function hungarian() {
    const res = await api.call("front_desk", "POST", "/api/v1/customers", {
      name: "Fodor Bella",
      language: "hu",
    });
    return res.json().id as string;
  }
});
