// O2: staff administration through the real server, on both databases. The owner changes roles and
// deactivates and reactivates members: a deactivated member's session and API tokens are refused on
// the very next request, also on another server process (nothing caches them, src/http/auth.ts),
// they leave the calendar's bookable staff and the online catalog, and their history stays. The
// business always keeps an active owner, also when two owners demote each other at once. API tokens
// are named, expire, are shown once and stored hashed, listed without the secret, revoked by
// managers and the owner. Working hours and opening hours shape online booking's free slots; bad
// hours are refused naming the field. Every change is in the activity log.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FastifyInstance, LightMyRequestResponse } from "fastify";
import { sql } from "kysely";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { systemClock } from "../../src/app/context.js";
import { createApiToken } from "../../src/app/sign-in.js";
import { type Database, openDatabase } from "../../src/db/database.js";
import { migrate } from "../../src/db/migrate.js";
import type { Role } from "../../src/db/schema.js";
import { buildServer } from "../../src/http/server.js";
import { type ServerProcess, startServerProcess, tokenForServerProcess } from "../support/processes.js";
import { addBusiness, FakeClock, PASSWORD, rowCounts, type Scenario, scenario } from "../support/scenario.js";
import { createTestDatabase, databaseUrlOf, testBackend } from "../support/test-db.js";

const SLOW_MS = 180_000;
// Several requests and sign-ins (each a password hash) per test: slow on a shared, busy machine.
vi.setConfig({ testTimeout: 120_000 });

let s: Scenario;
let server: FastifyInstance;
let tokens: Record<Role, string>;
let slug: string;

beforeEach(async () => {
  s = await scenario();
  server = await buildServer(s.app, { logger: false, secureCookies: false, demoLogins: null });
  tokens = {} as Record<Role, string>;
  for (const role of ["owner", "manager", "front_desk", "practitioner"] as const)
    tokens[role] = (await createApiToken(s.app, s.staff[role], `${role} token`)).token;
  slug = (
    await s.database.db
      .selectFrom("businesses")
      .select("slug")
      .where("id", "=", s.businessId)
      .executeTakeFirstOrThrow()
  ).slug;
}, SLOW_MS);
afterEach(async () => {
  await server?.close();
  await s?.close();
});

type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
const byToken = (token: string | null, method: Method, url: string, body?: unknown) =>
  server.inject({
    method,
    url,
    headers: token ? { authorization: `Bearer ${token}` } : {},
    ...(body !== undefined ? { payload: body as object } : {}),
  });
const as = (role: Role, method: Method, url: string, body?: unknown) =>
  byToken(tokens[role], method, url, body);

async function signIn(email: string) {
  const res = await server.inject({
    method: "POST",
    url: "/api/v1/auth/sign-in",
    payload: { email, password: PASSWORD },
  });
  return { res, cookie: String(res.headers["set-cookie"] ?? "").split(";")[0]! };
}
const withCookie = (cookie: string, url: string) => server.inject({ url, headers: { cookie } });

function expectRefusal(res: LightMyRequestResponse, status: number, code: string, field?: string) {
  expect(res.statusCode, res.body).toBe(status);
  expect(res.json().error).toMatchObject({ code, ...(field ? { field } : {}) });
}

async function logged(action: string) {
  return s.database.db
    .selectFrom("activity_log")
    .select(["actor_staff_id", "details"])
    .where("business_id", "=", s.businessId)
    .where("action", "=", action)
    .orderBy("seq")
    .execute();
}

async function staffList() {
  const res = await as("front_desk", "GET", "/api/v1/staff");
  expect(res.statusCode).toBe(200);
  return res.json() as Array<{ id: string; role: Role; active: boolean }>;
}

const publicCatalog = async () =>
  (await byToken(null, "GET", `/api/v1/public/businesses/${slug}`)).json() as {
    staff: Array<{ id: string; name: string }>;
  };

async function freeSlots(date: string, staffId: string, locationId = s.budapest) {
  const q = `locationId=${locationId}&staffId=${staffId}&itemId=${s.items.manicure}&date=${date}`;
  const res = await byToken(null, "GET", `/api/v1/public/businesses/${slug}/slots?${q}`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as string[];
}

describe("O2 roles", () => {
  it("the owner changes a role: the member's very next request has the new role's powers; logged; a manager may not", async () => {
    const practitioner = s.staff.practitioner.staffId;
    expect((await as("practitioner", "POST", "/api/v1/customers", { name: "Before" })).statusCode).toBe(403);

    const before = await rowCounts(s.database);
    expectRefusal(
      await as("manager", "POST", `/api/v1/staff/${practitioner}/role`, { role: "owner" }),
      403,
      "forbidden",
    );
    expect(await rowCounts(s.database)).toEqual(before);
    expectRefusal(
      await as("owner", "POST", `/api/v1/staff/${practitioner}/role`, { role: "boss" }),
      400,
      "invalid_input",
      "role",
    );

    const res = await as("owner", "POST", `/api/v1/staff/${practitioner}/role`, { role: "front_desk" });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ id: practitioner, role: "front_desk", active: true });
    expect((await staffList()).find((m) => m.id === practitioner)?.role).toBe("front_desk");
    // the same token, unchanged, now sells at the desk
    expect((await as("practitioner", "POST", "/api/v1/customers", { name: "After" })).statusCode).toBe(201);

    const log = await logged("change_staff_role");
    expect(log).toHaveLength(1);
    expect(log[0]!.actor_staff_id).toBe(s.staff.owner.staffId);
    expect(log[0]!.details).toMatchObject({ changes: { role: { from: "practitioner", to: "front_desk" } } });
  });

  it("another business's staff member is unknown to the owner", async () => {
    const other = await addBusiness(s.database, s.clock, "Other");
    const member = other.staff.practitioner.staffId;
    expectRefusal(
      await as("owner", "POST", `/api/v1/staff/${member}/deactivate`),
      404,
      "staff_not_found",
      "staffId",
    );
    expectRefusal(
      await as("owner", "POST", `/api/v1/staff/${member}/role`, { role: "owner" }),
      404,
      "staff_not_found",
    );
    const row = await s.database.db
      .selectFrom("staff")
      .select(["active", "role"])
      .where("id", "=", member)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ active: true, role: "practitioner" });
  });
});

describe("O2 deactivating a member", () => {
  it("ends their session and tokens on the very next request, takes them off the calendar and online booking, keeps their history; reactivating lets them sign in again", async () => {
    const practitioner = s.staff.practitioner.staffId;
    // history: a redemption they made, a ticket line they did, an appointment with them
    const template = await s.template({ items: [{ itemId: s.items.manicure, quantity: 5 }] });
    const sold = await s.sold(template);
    await s.redeem(sold, 1, "practitioner");
    const ticket = (
      await as("front_desk", "POST", "/api/v1/tickets", { customerId: sold.customerId })
    ).json();
    const line = await as("front_desk", "POST", `/api/v1/tickets/${ticket.id}/lines`, {
      itemId: s.items.oil,
      staffId: practitioner,
    });
    expect(line.statusCode, line.body).toBe(201);
    const booked = await as("front_desk", "POST", "/api/v1/appointments", {
      customerId: sold.customerId,
      staffId: practitioner,
      startAt: "2026-06-03T08:00:00Z",
      services: [{ itemId: s.items.pedicure }],
    });
    expect(booked.statusCode, booked.body).toBe(201);

    const { cookie } = await signIn(s.staff.practitioner.email);
    expect((await withCookie(cookie, "/api/v1/auth/me")).statusCode).toBe(200);
    expect((await as("practitioner", "GET", "/api/v1/customers")).statusCode).toBe(200);
    expect((await publicCatalog()).staff.map((m) => m.id)).toContain(practitioner);

    const res = await as("owner", "POST", `/api/v1/staff/${practitioner}/deactivate`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ id: practitioner, active: false, role: "practitioner" });

    // the very next request of either is refused
    expectRefusal(await withCookie(cookie, "/api/v1/auth/me"), 401, "unauthenticated");
    expectRefusal(await as("practitioner", "GET", "/api/v1/customers"), 401, "unauthenticated");
    expectRefusal((await signIn(s.staff.practitioner.email)).res, 401, "no_active_membership");

    // off the calendar's bookable staff and the online catalog
    expect((await staffList()).find((m) => m.id === practitioner)?.active).toBe(false);
    expectRefusal(
      await as("front_desk", "POST", "/api/v1/appointments", {
        customerId: sold.customerId,
        staffId: practitioner,
        startAt: "2026-06-04T08:00:00Z",
        services: [{ itemId: s.items.pedicure }],
      }),
      404,
      "staff_not_found",
      "staffId",
    );
    expect((await publicCatalog()).staff.map((m) => m.id)).not.toContain(practitioner);
    expect(
      (
        await byToken(
          null,
          "GET",
          `/api/v1/public/businesses/${slug}/slots?locationId=${s.budapest}&staffId=${practitioner}&itemId=${s.items.manicure}&date=2026-06-03`,
        )
      ).statusCode,
    ).toBe(404);

    // their history stays, under their name
    const movements = await s.database.db
      .selectFrom("movements")
      .select("id")
      .where("actor_staff_id", "=", practitioner)
      .execute();
    expect(movements.length).toBeGreaterThan(0);
    const t = (await as("front_desk", "GET", `/api/v1/tickets/${ticket.id}`)).json();
    expect(JSON.stringify(t)).toContain(practitioner);
    const appointments = (
      await as("front_desk", "GET", "/api/v1/appointments?from=2026-06-01T00:00:00Z&to=2026-06-10T00:00:00Z")
    ).json() as { items: Array<{ id: string; staffId?: string; staff?: { id: string } }> };
    expect(appointments.items.map((a) => a.id)).toContain(booked.json().id);

    const log = await logged("deactivate_staff");
    expect(log).toHaveLength(1);
    expect(log[0]!.details).toMatchObject({ sessionsEnded: 1, tokensRevoked: 1 });

    // reactivated: they sign in again; the old session and token stay ended
    const back = await as("owner", "POST", `/api/v1/staff/${practitioner}/reactivate`);
    expect(back.statusCode, back.body).toBe(200);
    expect(back.json().active).toBe(true);
    expectRefusal(await withCookie(cookie, "/api/v1/auth/me"), 401, "unauthenticated");
    expectRefusal(await as("practitioner", "GET", "/api/v1/customers"), 401, "unauthenticated");
    const again = await signIn(s.staff.practitioner.email);
    expect(again.res.statusCode, again.res.body).toBe(200);
    expect((await withCookie(again.cookie, "/api/v1/auth/me")).statusCode).toBe(200);
    expect((await publicCatalog()).staff.map((m) => m.id)).toContain(practitioner);
    expect(await logged("reactivate_staff")).toHaveLength(1);
  });

  it("only the owner deactivates; a refusal writes nothing", async () => {
    const before = await rowCounts(s.database);
    for (const role of ["manager", "front_desk", "practitioner"] as const)
      expectRefusal(
        await as(role, "POST", `/api/v1/staff/${s.staff.front_desk.staffId}/deactivate`),
        403,
        "forbidden",
      );
    expect(await rowCounts(s.database)).toEqual(before);
  });

  it("on a second server in the same process, the deactivated member's session and token are refused on the next request", async () => {
    const second = await buildServer(s.app, { logger: false, secureCookies: false, demoLogins: null });
    try {
      const { cookie } = await signIn(s.staff.manager.email);
      const onSecond = (headers: Record<string, string>) =>
        second.inject({ url: "/api/v1/auth/me", headers });
      expect((await onSecond({ cookie })).statusCode).toBe(200);
      expect((await onSecond({ authorization: `Bearer ${tokens.manager}` })).statusCode).toBe(200);
      expect(
        (await as("owner", "POST", `/api/v1/staff/${s.staff.manager.staffId}/deactivate`)).statusCode,
      ).toBe(200);
      expect((await onSecond({ cookie })).statusCode).toBe(401);
      expect((await onSecond({ authorization: `Bearer ${tokens.manager}` })).statusCode).toBe(401);
    } finally {
      await second.close();
    }
  });
});

// Real server processes. On PostgreSQL two processes share the database: the deactivation goes
// through one while the member's session and token are used on the other. The embedded database
// opens in one process only: there the one process refuses them at once, and so does the next
// process started on the same files.
describe("O2 deactivation across server processes", () => {
  let database: Database | undefined;
  let dataDir: string | undefined;
  let servers: ServerProcess[] = [];
  afterEach(async () => {
    await Promise.all(servers.map((p) => p.stop()));
    servers = [];
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    else await database?.close();
    dataDir = undefined;
    database = undefined;
  });

  it.runIf(testBackend() === "postgres")(
    "a member signed in on process B is refused on B's next request once the owner deactivates them on process A",
    async () => {
      database = await createTestDatabase();
      const env = { DATABASE_URL: await databaseUrlOf(database) };
      const biz = await addBusiness(database, new FakeClock(systemClock()), "Processes");
      const ownerToken = await tokenForServerProcess(biz.app, biz.staff.owner, "owner");
      const memberToken = await tokenForServerProcess(biz.app, biz.staff.practitioner, "member");
      servers = await Promise.all([startServerProcess(env), startServerProcess(env)]);
      const [a, b] = servers as [ServerProcess, ServerProcess];
      const signedIn = await fetch(`${b.url}/api/v1/auth/sign-in`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ email: biz.staff.practitioner.email, password: PASSWORD }),
      });
      expect(signedIn.status).toBe(200);
      const cookie = (signedIn.headers.get("set-cookie") ?? "").split(";")[0]!;
      const me = (headers: Record<string, string>) => fetch(`${b.url}/api/v1/auth/me`, { headers });
      // used on B first, so that B would hold them if it cached sessions or tokens
      for (let i = 0; i < 3; i++) {
        expect((await me({ cookie })).status).toBe(200);
        expect((await me({ authorization: `Bearer ${memberToken}` })).status).toBe(200);
      }
      const off = await fetch(`${a.url}/api/v1/staff/${biz.staff.practitioner.staffId}/deactivate`, {
        method: "POST",
        headers: { authorization: `Bearer ${ownerToken}` },
      });
      expect(off.status, await off.text()).toBe(200);
      expect((await me({ cookie })).status).toBe(401);
      expect((await me({ authorization: `Bearer ${memberToken}` })).status).toBe(401);
    },
    SLOW_MS,
  );

  it.runIf(testBackend() === "pglite")(
    "the one server process refuses the member's session and token on the next request, and so does the process after it",
    async () => {
      dataDir = mkdtempSync(join(tmpdir(), "carnet-staff-admin-"));
      const env = { DATABASE_URL: "", CARNET_DATA_DIR: dataDir };
      const db = await openDatabase({ dataDir });
      await migrate(db);
      const biz = await addBusiness(db, new FakeClock(systemClock()), "Processes");
      const ownerToken = await tokenForServerProcess(biz.app, biz.staff.owner, "owner");
      const memberToken = await tokenForServerProcess(biz.app, biz.staff.practitioner, "member");
      await db.close();
      let p = await startServerProcess(env);
      servers = [p];
      const signedIn = await fetch(`${p.url}/api/v1/auth/sign-in`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ email: biz.staff.practitioner.email, password: PASSWORD }),
      });
      expect(signedIn.status).toBe(200);
      const cookie = (signedIn.headers.get("set-cookie") ?? "").split(";")[0]!;
      const me = (headers: Record<string, string>) => fetch(`${p.url}/api/v1/auth/me`, { headers });
      expect((await me({ cookie })).status).toBe(200);
      expect((await me({ authorization: `Bearer ${memberToken}` })).status).toBe(200);
      // the owner deactivates through the server, then another server process is started on the
      // same files: neither the session nor the token comes back
      const off = await fetch(`${p.url}/api/v1/staff/${biz.staff.practitioner.staffId}/deactivate`, {
        method: "POST",
        headers: { authorization: `Bearer ${ownerToken}` },
      });
      expect(off.status, await off.text()).toBe(200);
      expect((await me({ cookie })).status).toBe(401);
      expect((await me({ authorization: `Bearer ${memberToken}` })).status).toBe(401);
      await p.stop();
      p = await startServerProcess(env);
      servers = [p];
      expect((await me({ cookie })).status).toBe(401);
      expect((await me({ authorization: `Bearer ${memberToken}` })).status).toBe(401);
    },
    SLOW_MS,
  );
});

describe("O2 the business always keeps an active owner", () => {
  it("the only owner cannot demote nor deactivate themselves", async () => {
    const owner = s.staff.owner.staffId;
    const before = await rowCounts(s.database);
    expectRefusal(
      await as("owner", "POST", `/api/v1/staff/${owner}/role`, { role: "manager" }),
      409,
      "last_owner",
    );
    expectRefusal(await as("owner", "POST", `/api/v1/staff/${owner}/deactivate`), 409, "last_owner");
    expect(await rowCounts(s.database)).toEqual(before);
  });

  it("two owners demoting (or deactivating) each other at the same moment: one of them stays owner", async () => {
    const first = s.staff.owner.staffId;
    const second = s.staff.manager.staffId;
    const tokenOf = (staffId: string) => (staffId === first ? tokens.owner : tokens.manager);
    // the manager's token, made before, acts with the owner's powers from the next request on
    const promoted = await as("owner", "POST", `/api/v1/staff/${second}/role`, { role: "owner" });
    expect(promoted.statusCode, promoted.body).toBe(200);
    for (const action of ["role", "deactivate"] as const) {
      const body = action === "role" ? { role: "manager" } : undefined;
      const [one, two] = await Promise.all([
        byToken(tokenOf(first), "POST", `/api/v1/staff/${second}/${action}`, body),
        byToken(tokenOf(second), "POST", `/api/v1/staff/${first}/${action}`, body),
      ]);
      const statuses = [one.statusCode, two.statusCode].sort();
      expect(statuses[0], `${one.body} ${two.body}`).toBe(200);
      // the second finds that it is no longer an owner (403: demoted; 401: deactivated, its token
      // revoked) or that the other is the last one (409)
      expect([401, 403, 409], `${one.body} ${two.body}`).toContain(statuses[1]);
      const owners = (await staffList()).filter((m) => m.role === "owner" && m.active);
      expect(owners).toHaveLength(1);
      if (action === "role") {
        // whoever stayed owner makes the other one owner again for the next round
        const stayed = owners[0]!.id;
        const res = await byToken(
          tokenOf(stayed),
          "POST",
          `/api/v1/staff/${stayed === first ? second : first}/role`,
          {
            role: "owner",
          },
        );
        expect(res.statusCode, res.body).toBe(200);
      }
    }
  });
});

describe("O2 API tokens", () => {
  it("made with a name and expiry, shown once, stored hashed, listed without the secret; used → last use; revoked → 401", async () => {
    const made = await as("manager", "POST", "/api/v1/auth/tokens", {
      name: "Booking widget",
      expiresInDays: 30,
    });
    expect(made.statusCode, made.body).toBe(201);
    const { id, token, name, expiresAt } = made.json();
    expect(name).toBe("Booking widget");
    expect(token).toMatch(/^carnet_/);
    expect(expiresAt).toBe("2026-07-01T10:00:00.000Z");

    // stored as a hash only
    const stored = await sql<{ t: string }>`SELECT string_agg(x::text, '|') AS t FROM api_tokens x`.execute(
      s.database.db,
    );
    expect(stored.rows[0]!.t).not.toContain(token);
    expect(stored.rows[0]!.t).not.toContain(token.slice("carnet_".length));
    const log = await sql<{ t: string }>`SELECT string_agg(x::text, '|') AS t FROM activity_log x`.execute(
      s.database.db,
    );
    expect(log.rows[0]!.t).not.toContain(token.slice("carnet_".length));

    const listed = async () => {
      const res = await as("owner", "GET", "/api/v1/auth/tokens");
      expect(res.statusCode).toBe(200);
      expect(res.body).not.toContain(token.slice("carnet_".length));
      return (res.json() as Array<Record<string, unknown>>).find((t) => t.id === id)!;
    };
    const first = await listed();
    expect(first).toMatchObject({
      name: "Booking widget",
      status: "active",
      madeBy: { id: s.staff.manager.staffId },
      lastUsedAt: null,
      expiresAt,
    });
    expect(first).not.toHaveProperty("token");

    s.clock.advance({ hours: 1 });
    expect((await byToken(token, "GET", "/api/v1/customers")).statusCode).toBe(200);
    expect((await listed()).lastUsedAt).toBe("2026-06-01T11:00:00.000Z");

    const revoked = await as("owner", "POST", `/api/v1/auth/tokens/${id}/revoke`);
    expect(revoked.statusCode, revoked.body).toBe(200);
    expect(revoked.json()).toMatchObject({ status: "revoked", revokedBy: { id: s.staff.owner.staffId } });
    expectRefusal(await byToken(token, "GET", "/api/v1/customers"), 401, "unauthenticated");
    expect((await listed()).status).toBe("revoked");

    expect((await logged("create_api_token")).map((l) => l.details)).toContainEqual(
      expect.objectContaining({ tokenId: id, name: "Booking widget" }),
    );
    expect(await logged("revoke_api_token")).toHaveLength(1);
  });

  it("an expired token answers 401 and is listed as expired", async () => {
    const { token, id } = (
      await as("owner", "POST", "/api/v1/auth/tokens", { name: "Short", expiresInDays: 1 })
    ).json();
    s.clock.advance({ hours: 23, minutes: 59 });
    expect((await byToken(token, "GET", "/api/v1/customers")).statusCode).toBe(200);
    s.clock.advance({ minutes: 1 });
    expectRefusal(await byToken(token, "GET", "/api/v1/customers"), 401, "unauthenticated");
    const list = (await as("manager", "GET", "/api/v1/auth/tokens")).json() as Array<{
      id: string;
      status: string;
    }>;
    expect(list.find((t) => t.id === id)?.status).toBe("expired");
  });

  it("only managers and the owner list, make and revoke tokens; a bad expiry or name is refused naming the field", async () => {
    const { id } = (await as("owner", "POST", "/api/v1/auth/tokens", { name: "Theirs" })).json();
    const before = await rowCounts(s.database);
    for (const role of ["front_desk", "practitioner"] as const) {
      expectRefusal(await as(role, "GET", "/api/v1/auth/tokens"), 403, "forbidden");
      expectRefusal(await as(role, "POST", "/api/v1/auth/tokens", { name: "Mine" }), 403, "forbidden");
      expectRefusal(await as(role, "POST", `/api/v1/auth/tokens/${id}/revoke`), 403, "forbidden");
    }
    for (const expiresInDays of [0, 366, 1.5])
      expectRefusal(
        await as("owner", "POST", "/api/v1/auth/tokens", { name: "Bad", expiresInDays }),
        400,
        "invalid_input",
        "expiresInDays",
      );
    expectRefusal(
      await as("owner", "POST", "/api/v1/auth/tokens", { name: "" }),
      400,
      "invalid_input",
      "name",
    );
    expect(await rowCounts(s.database)).toEqual(before);
  });
});

describe("O2 working hours and opening hours shape online booking's free slots", () => {
  // 2026-06-01 (the scenario's "now") is a Monday; Budapest is UTC+2 in June.
  const budapestTimes = (slots: string[]) =>
    slots.map((t) =>
      new Date(t).toLocaleTimeString("en-GB", {
        timeZone: "Europe/Budapest",
        hour: "2-digit",
        minute: "2-digit",
      }),
    );

  it("a practitioner with hours Monday 10:00-12:00 is offered only then; a day without hours, or another location, offers nothing", async () => {
    const practitioner = s.staff.practitioner.staffId;
    expect(budapestTimes(await freeSlots("2026-06-08", practitioner))).toHaveLength(18); // 09:00-17:30 before
    const res = await as("manager", "PUT", `/api/v1/staff/${practitioner}/working-hours/${s.budapest}`, {
      hours: [{ weekday: 1, start: "10:00", end: "12:00" }],
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({
      staffId: practitioner,
      scheduled: true,
      locations: expect.arrayContaining([
        { locationId: s.budapest, hours: [{ weekday: 1, start: "10:00", end: "12:00" }] },
        { locationId: s.newYork, hours: [] },
      ]),
    });
    expect(budapestTimes(await freeSlots("2026-06-08", practitioner))).toEqual([
      "10:00",
      "10:30",
      "11:00",
      "11:30",
    ]);
    expect(await freeSlots("2026-06-09", practitioner)).toEqual([]);
    expect(await freeSlots("2026-06-08", practitioner, s.newYork)).toEqual([]);
    // a booking outside them is refused
    expectRefusal(
      await byToken(null, "POST", `/api/v1/public/businesses/${slug}/bookings`, {
        locationId: s.budapest,
        staffId: practitioner,
        itemId: s.items.manicure,
        startAt: "2026-06-08T07:00:00Z",
        name: "Olga",
        email: "olga@example.test",
      }),
      400,
      "slot_not_offered",
      "startAt",
    );
    // a member without hours anywhere is still offered whenever the location is open
    expect(await freeSlots("2026-06-09", s.staff.manager.staffId)).toHaveLength(18);

    const log = await logged("set_working_hours");
    expect(log).toHaveLength(1);
    expect(log[0]!.actor_staff_id).toBe(s.staff.manager.staffId);
    // the same week again changes nothing and logs nothing
    await as("manager", "PUT", `/api/v1/staff/${practitioner}/working-hours/${s.budapest}`, {
      hours: [{ weekday: 1, start: "10:00", end: "12:00" }],
    });
    expect(await logged("set_working_hours")).toHaveLength(1);
  });

  it("opening hours: a closed day offers nothing, and working hours are cut to the opening hours", async () => {
    const res = await as("owner", "PUT", `/api/v1/locations/${s.budapest}/opening-hours`, {
      hours: [
        { weekday: 1, start: "11:00", end: "14:00" },
        { weekday: 1, start: "15:00", end: "16:00" },
        { weekday: 3, start: "08:00", end: "20:00" },
      ],
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ locationId: s.budapest, set: true });
    const manager = s.staff.manager.staffId;
    expect(await freeSlots("2026-06-09", manager)).toEqual([]); // Tuesday: closed
    expect(budapestTimes(await freeSlots("2026-06-08", manager))).toEqual([
      "11:00",
      "11:30",
      "12:00",
      "12:30",
      "13:00",
      "13:30",
      "15:00",
      "15:30",
    ]);
    expect(await freeSlots("2026-06-10", manager)).toHaveLength(24);
    await as("manager", "PUT", `/api/v1/staff/${s.staff.practitioner.staffId}/working-hours/${s.budapest}`, {
      hours: [{ weekday: 1, start: "10:00", end: "12:00" }],
    });
    expect(budapestTimes(await freeSlots("2026-06-08", s.staff.practitioner.staffId))).toEqual([
      "11:00",
      "11:30",
    ]);
    expect(await logged("set_opening_hours")).toHaveLength(1);
    const read = await as("practitioner", "GET", `/api/v1/locations/${s.budapest}/opening-hours`);
    expect(read.json().hours).toHaveLength(3);
    // an empty week goes back to 09:00-18:00 every day
    await as("owner", "PUT", `/api/v1/locations/${s.budapest}/opening-hours`, { hours: [] });
    expect(await freeSlots("2026-06-09", manager)).toHaveLength(18);
  });

  it("with an Idempotency-Key, as the web app sends, the answer is the week just saved, and a retry repeats it", async () => {
    const withKey = (url: string, key: string, hours: unknown) =>
      server.inject({
        method: "PUT",
        url,
        headers: { authorization: `Bearer ${tokens.owner}`, "idempotency-key": key },
        payload: { hours },
      });
    const week = [{ weekday: 3, start: "09:30", end: "13:00" }];
    const staffUrl = `/api/v1/staff/${s.staff.practitioner.staffId}/working-hours/${s.budapest}`;
    const openingUrl = `/api/v1/locations/${s.budapest}/opening-hours`;
    for (const [url, key] of [
      [staffUrl, "hours-key-1"],
      [openingUrl, "opening-key-1"],
    ] as const) {
      const first = await withKey(url, key, week);
      expect(first.statusCode, first.body).toBe(200);
      expect(JSON.stringify(first.json())).toContain('{"weekday":3,"start":"09:30","end":"13:00"}');
      const again = await withKey(url, key, week);
      expect(again.statusCode).toBe(200);
      expect(again.json()).toEqual(first.json());
    }
    expect(await logged("set_working_hours")).toHaveLength(1);
    expect(await logged("set_opening_hours")).toHaveLength(1);
  });

  it("bad hours are refused naming the field, and write nothing; the rota is managers' work, opening hours the owner's", async () => {
    const other = await addBusiness(s.database, s.clock, "Other");
    const url = `/api/v1/staff/${s.staff.practitioner.staffId}/working-hours/${s.budapest}`;
    const before = await rowCounts(s.database);
    const cases: Array<[unknown, string, string]> = [
      [
        [
          { weekday: 2, start: "09:00", end: "12:00" },
          { weekday: 2, start: "11:00", end: "13:00" },
        ],
        "hours_overlap",
        "hours.1.start",
      ],
      [[{ weekday: 2, start: "12:00", end: "09:00" }], "end_before_start", "hours.0.end"],
      [[{ weekday: 2, start: "10:00", end: "10:00" }], "end_before_start", "hours.0.end"],
      [[{ weekday: 2, start: "25:00", end: "26:00" }], "invalid_input", "hours.0.start"],
      [[{ weekday: 2, start: "09:00", end: "9:60" }], "invalid_input", "hours.0.end"],
      [[{ weekday: 8, start: "09:00", end: "10:00" }], "invalid_input", "hours.0.weekday"],
      [[{ weekday: 2, start: "24:00", end: "24:00" }], "invalid_time", "hours.0.start"],
    ];
    for (const [hours, code, field] of cases) {
      expectRefusal(await as("manager", "PUT", url, { hours }), 400, code, field);
      expectRefusal(
        await as("owner", "PUT", `/api/v1/locations/${s.budapest}/opening-hours`, { hours }),
        400,
        code,
        field,
      );
    }
    const ok = [{ weekday: 2, start: "09:00", end: "12:00" }];
    expectRefusal(await as("front_desk", "PUT", url, { hours: ok }), 403, "forbidden");
    expectRefusal(await as("practitioner", "PUT", url, { hours: ok }), 403, "forbidden");
    expectRefusal(
      await as("manager", "PUT", `/api/v1/locations/${s.budapest}/opening-hours`, { hours: ok }),
      403,
      "forbidden",
    );
    expectRefusal(
      await as(
        "manager",
        "PUT",
        `/api/v1/staff/${other.staff.practitioner.staffId}/working-hours/${s.budapest}`,
        {
          hours: ok,
        },
      ),
      404,
      "staff_not_found",
      "staffId",
    );
    expectRefusal(
      await as("owner", "PUT", `/api/v1/locations/${other.budapest}/opening-hours`, { hours: ok }),
      404,
      "location_not_found",
      "locationId",
    );
    expect(await rowCounts(s.database)).toEqual(before);
  });
});
