// R4: the customer's balance link against the real server. Its token is a key to the customer's
// data, so the store keeps only a SHA-256 of it, staff (front desk and up) make a new link when one
// is needed and see it only then, the newest link ends the previous one, no customer view carries
// it, and no log line does.
import { createHash } from "node:crypto";
import type { FastifyInstance } from "fastify";
import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import type { App } from "../../src/app/context.js";
import { migrate } from "../../src/db/migrate.js";
import type { Role } from "../../src/db/schema.js";
import { buildServer } from "../../src/http/server.js";
import { businessSlug, ROLES, scenarioWithApiEach } from "../support/api-scenario.js";
import { databaseGoneAway, leaksOf, withCapturedLog } from "../support/captured-log.js";
import type { Api } from "../support/http.js";
import type { Scenario } from "../support/scenario.js";
import { databaseBefore } from "../support/test-db.js";

const sha256 = (value: string) => createHash("sha256").update(value).digest("hex");

let s: Scenario;
let api: Api;
scenarioWithApiEach((scenario, started) => {
  s = scenario;
  api = started;
});

const newCustomer = async (name = "Dóra Simon") => {
  const res = await api.call("front_desk", "POST", "/api/v1/customers", { name, email: "dora@example.test" });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as { id: string; balanceLinkCreatedAt: string | null };
};
const mint = (customerId: string, role: Role = "front_desk", headers: Record<string, string> = {}) =>
  api.call(role, "POST", `/api/v1/customers/${customerId}/balance-link`, undefined, headers);
const balance = (token: string) => api.call(null, "GET", `/api/v1/public/balance/${token}`);

describe("R4: balance links", () => {
  it("a new customer has no link until staff make one; front desk, manager and owner can, a practitioner cannot", async () => {
    const dora = await newCustomer();
    expect(dora.balanceLinkCreatedAt).toBeNull();
    const refused = await mint(dora.id, "practitioner");
    expect(refused.statusCode).toBe(403);
    for (const role of ["front_desk", "manager", "owner"] as const) {
      const res = await mint(dora.id, role);
      expect(res.statusCode, `${role}: ${res.body}`).toBe(201);
      const link = res.json();
      expect(link.token).toMatch(/^[A-Za-z0-9_-]{40,}$/);
      expect(link.path).toBe(`/balance/${link.token}`);
      expect((await balance(link.token)).json()).toMatchObject({ customerName: "Dóra Simon" });
    }
  });

  it("no customer view carries the token, to any role: it is shown only when made", async () => {
    const dora = await newCustomer();
    const token = (await mint(dora.id)).json().token as string;
    for (const role of ROLES) {
      for (const url of [
        `/api/v1/customers/${dora.id}`,
        "/api/v1/customers?q=D%C3%B3ra",
        "/api/v1/customers?q=",
      ]) {
        const res = await api.call(role, "GET", url);
        expect(res.statusCode, `${role} ${url}`).toBe(200);
        expect(res.body, `${role} ${url}`).not.toContain(token);
        expect(res.body, `${role} ${url}`).not.toContain("balanceToken");
      }
      const one = (await api.call(role, "GET", `/api/v1/customers/${dora.id}`)).json();
      expect(one.balanceLinkCreatedAt).toBe(s.clock.now.toString().replace("Z", ".000Z"));
    }
  });

  it("the store keeps only a SHA-256 of the token, not even in a stored idempotent answer", async () => {
    const dora = await newCustomer();
    const res = await mint(dora.id, "front_desk", { "idempotency-key": "mint-1" });
    expect(res.statusCode, res.body).toBe(201);
    const token = res.json().token as string;
    const { rows } = await sql<{ t: string }>`
      SELECT (SELECT string_agg(c::text, '|') FROM customers c) ||
             coalesce((SELECT string_agg(k::text, '|') FROM idempotency_keys k), '') AS t`.execute(
      s.database.db,
    );
    expect(rows[0]!.t).not.toContain(token);
    expect(rows[0]!.t).toContain(sha256(token));
  });

  it("a new link ends the old one (404), and turning the link off ends it too", async () => {
    const dora = await newCustomer();
    const old = (await mint(dora.id)).json().token as string;
    expect((await balance(old)).statusCode).toBe(200);
    const fresh = (await mint(dora.id, "manager")).json().token as string;
    expect(fresh).not.toBe(old);
    const gone = await balance(old);
    expect(gone.statusCode).toBe(404);
    expect(gone.json().error.code).toBe("balance_not_found");
    expect((await balance(fresh)).statusCode).toBe(200);

    expect(
      (await api.call("practitioner", "DELETE", `/api/v1/customers/${dora.id}/balance-link`)).statusCode,
    ).toBe(403);
    const off = await api.call("front_desk", "DELETE", `/api/v1/customers/${dora.id}/balance-link`);
    expect(off.statusCode, off.body).toBe(200);
    expect(off.json().balanceLinkCreatedAt).toBeNull();
    expect((await balance(fresh)).statusCode).toBe(404);
  });
});

// ---------------------------------------------------------------------------------------------
// Links made before tokens were hashed: the migration hashes them in SQL, and they keep working.

const HASHING_MIGRATION = "0012_public_booking_and_links.sql";

it("R4: links made before tokens were hashed keep working; the migration keeps only their hash", async () => {
  const { database, dispose } = await databaseBefore(HASHING_MIGRATION);
  let server: FastifyInstance | undefined;
  try {
    const legacy = "legacy-link-made-in-plain-text-0123456789";
    await database.exec(`
      INSERT INTO businesses (id, name, slug) VALUES ('00000000-0000-4000-8000-0000000000b1', 'Old Salon', 'old-salon');
      INSERT INTO customers (business_id, name, balance_token)
        VALUES ('00000000-0000-4000-8000-0000000000b1', 'Vera Régi', '${legacy}');`);
    expect(await migrate(database)).toContain(HASHING_MIGRATION);
    const app: App = { database, clock: s.app.clock };
    server = await buildServer(app, { logger: false, secureCookies: false, demoLogins: null });
    const res = await server.inject({ method: "GET", url: `/api/v1/public/balance/${legacy}` });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ businessName: "Old Salon", customerName: "Vera Régi" });
    const { rows } = await sql<{ t: string }>`SELECT string_agg(c::text, '|') AS t FROM customers c`.execute(
      database.db,
    );
    expect(rows[0]!.t).not.toContain(legacy);
    expect(rows[0]!.t).toContain(sha256(legacy));
  } finally {
    await server?.close();
    await dispose();
  }
}, 60_000);

// ---------------------------------------------------------------------------------------------
// Logs: with request logging on, no line carries a balance-link or a booking confirmation token.

it("R4, A10: request and error logs never carry a balance-link or a confirmation token", async () => {
  const dora = await newCustomer();
  const token = (await mint(dora.id)).json().token as string;
  await withCapturedLog(async (lines, build) => {
    const server = await build(s.app);
    const slug = await businessSlug(s);
    const requested = await server.inject({
      method: "POST",
      url: `/api/v1/public/businesses/${slug}/bookings`,
      payload: {
        locationId: s.budapest,
        staffId: s.staff.practitioner.staffId,
        itemId: s.items.manicure,
        startAt: "2026-06-02T07:00:00Z",
        name: "Online Olga",
        email: "olga@example.test",
      },
    });
    expect(requested.statusCode, requested.body).toBe(202);
    const mail = await s.database.db.selectFrom("outbox").select("body_text").executeTakeFirstOrThrow();
    const confirmation = /\/confirm-booking\/([A-Za-z0-9_-]+)/.exec(mail.body_text)![1]!;

    const encoded = `%${token.charCodeAt(0).toString(16)}${token.slice(1)}`;
    const calls: Array<{ method: "GET" | "POST"; url: string }> = [
      { method: "GET", url: "/api/v1/health" },
      { method: "GET", url: `/api/v1/public/balance/${token}` },
      { method: "GET", url: `/api/v1/public/balance/${token}?from=mail` },
      { method: "GET", url: `/api/v1/public/balance/${encoded}` },
      { method: "GET", url: `/api/v1/public/%62alance/${token}` },
      { method: "POST", url: `/api/v1/public/balance/${token}/bookings` },
      { method: "GET", url: `/api/v1/public/balance/${token}/nothing-here` },
      { method: "GET", url: `/balance/${token}` },
      { method: "GET", url: `/confirm-booking/${confirmation}` },
      { method: "GET", url: `/api/v1/public/booking-requests/${confirmation}` },
      { method: "POST", url: `/api/v1/public/booking-requests/${confirmation}/confirm` },
    ];
    for (const c of calls) await server.inject({ ...c, ...(c.method === "POST" ? { payload: {} } : {}) });

    // An error on the way: the database fails under the balance page's query.
    const broken = databaseGoneAway(s.app, "selectFrom");
    const failing = await build(broken);
    const crashed = await failing.inject({ method: "GET", url: `/api/v1/public/balance/${token}` });
    expect(crashed.statusCode).toBe(500);

    const log = lines.join("");
    expect(log).toContain("/api/v1/health");
    expect(log).toContain("the database went away");
    expect(log.match(/incoming request/g)?.length).toBeGreaterThanOrEqual(calls.length + 1);
    expect(leaksOf(token, log), log).toEqual([]);
    expect(leaksOf(confirmation, log), log).toEqual([]);
    expect(log).toContain("[redacted]");
  });
});
