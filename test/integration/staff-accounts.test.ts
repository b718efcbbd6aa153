// O1, O2: one person, one account, staff of several businesses. Staff are invited by an e-mailed
// link that works once and expires; inviting an address tells nobody whether it is staff anywhere
// else; a person of two businesses signs in and picks one, and a wrong password tells nothing about
// memberships. Passwords: your own change ends your other sessions, a reset link ends them all, and
// "forgot password" answers the same for an address with no account. Through the real server, on
// both databases; the reset e-mail goes over SMTP to a server the test runs.
import type { FastifyInstance, LightMyRequestResponse } from "fastify";
import { sql } from "kysely";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createMailer, deliverOutbox, SCRUBBED_BODY } from "../../src/app/outbox.js";
import { hashPassword } from "../../src/app/passwords.js";
import { createApiToken } from "../../src/app/sign-in.js";
import { migrate } from "../../src/db/migrate.js";
import { buildServer } from "../../src/http/server.js";
import { addBusiness, CHANGEABLE_TABLES, PASSWORD, type Scenario, scenario } from "../support/scenario.js";
import { startSmtp } from "../support/smtp.js";
import { databaseBefore } from "../support/test-db.js";

const SLOW_MS = 180_000;

let a: Scenario;
let b: Awaited<ReturnType<typeof addBusiness>>;
let server: FastifyInstance;
let ownerToken: string;

beforeEach(async () => {
  a = await scenario();
  b = await addBusiness(a.database, a.clock, "Beta Studio");
  server = await buildServer(a.app, { logger: false, secureCookies: false, demoLogins: null });
  ownerToken = (await createApiToken(a.app, a.staff.owner, "owner")).token;
}, SLOW_MS);
afterEach(async () => {
  await server?.close();
  await a?.close();
});

const asOwner = (method: "GET" | "POST" | "DELETE", url: string, payload?: object) =>
  server.inject({
    method,
    url,
    headers: { authorization: `Bearer ${ownerToken}` },
    ...(payload ? { payload } : {}),
  });
const post = (url: string, payload: object, headers: Record<string, string> = {}) =>
  server.inject({ method: "POST", url, payload, headers });
const signIn = (email: string, password: string, extra: Record<string, string> = {}) =>
  post("/api/v1/auth/sign-in", { email, password, ...extra });
const cookieOf = (res: LightMyRequestResponse) => String(res.headers["set-cookie"] ?? "").split(";")[0]!;
const me = (cookie: string) => server.inject({ url: "/api/v1/auth/me", headers: { cookie } });

async function counts() {
  const out: Record<string, number> = {};
  for (const table of CHANGEABLE_TABLES) {
    const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM ${sql.table(table)}`.execute(
      a.database.db,
    );
    out[table] = rows[0]!.n;
  }
  return out;
}

/** The last message queued for the address, and the token of the link of that kind in it. */
async function mailTo(to: string, path: "invite" | "reset-password") {
  const m = await a.database.db
    .selectFrom("outbox")
    .select(["subject", "body_text", "business_id"])
    .where("to_address", "=", to)
    .orderBy("created_at", "desc")
    .orderBy("id", "desc")
    .executeTakeFirstOrThrow();
  const token = new RegExp(`/${path}/([A-Za-z0-9_-]{43})`).exec(m.body_text)?.[1];
  return { ...m, token: token! };
}

const invite = (email: string, name = "Vera Vendég", role = "practitioner") =>
  asOwner("POST", "/api/v1/staff/invitations", { name, email, role, homeLocationId: a.budapest });

describe("O1, O2 inviting an address that is staff of another business", () => {
  it(
    "the owner's answer and the e-mail are the same whether or not the address has an account elsewhere",
    async () => {
      const elsewhere = b.staff.practitioner.email;
      const fresh = "vera@example.test";
      const one = await invite(elsewhere);
      const two = await invite(fresh);
      expect(one.statusCode, one.body).toBe(201);
      expect(two.statusCode).toBe(201);
      const comparable = (res: LightMyRequestResponse, email: string) => {
        const { id, ...rest } = res.json();
        expect(id).toMatch(/^[0-9a-f-]{36}$/);
        return JSON.stringify(rest).replaceAll(email, "EMAIL");
      };
      expect(comparable(one, elsewhere)).toBe(comparable(two, fresh));
      expect(Object.keys(one.headers).sort()).toEqual(Object.keys(two.headers).sort());
      const [mailOne, mailTwo] = [await mailTo(elsewhere, "invite"), await mailTo(fresh, "invite")];
      expect(mailOne.subject).toBe(mailTwo.subject);
      expect(mailOne.body_text.replace(mailOne.token, "T")).toBe(
        mailTwo.body_text.replace(mailTwo.token, "T"),
      );
      // The list of open invitations says nothing more either.
      const list = (await asOwner("GET", "/api/v1/staff/invitations")).json() as Array<
        Record<string, unknown>
      >;
      const shown = list.map(({ id: _id, email, ...rest }) => ({
        ...rest,
        email: email === elsewhere || email === fresh,
      }));
      expect(shown[0]).toEqual(shown[1]);
      // Who invited whom is in the activity log; the token never is.
      const log = await a.database.db
        .selectFrom("activity_log")
        .select(["action", "actor_staff_id", "details"])
        .where("business_id", "=", a.businessId)
        .where("action", "=", "invite_staff")
        .execute();
      expect(log).toHaveLength(2);
      expect(log[0]!.actor_staff_id).toBe(a.staff.owner.staffId);
      expect(JSON.stringify(log)).not.toContain(mailOne.token);
      expect(
        JSON.stringify(await a.database.db.selectFrom("staff_invitations").selectAll().execute()),
      ).not.toContain(mailOne.token);
    },
    SLOW_MS,
  );

  it(
    "the person accepts with their existing password, then signs in and picks the business; a wrong password tells nothing about memberships",
    async () => {
      const person = b.staff.practitioner.email;
      await invite(person, "Petra of two");
      const { token } = await mailTo(person, "invite");
      const view = await server.inject({ url: `/api/v1/public/invites/${token}` });
      expect(view.json()).toEqual({
        businessName: "Salon",
        name: "Petra of two",
        email: person,
        role: "practitioner",
        hasAccount: true,
        expiresAt: expect.any(String),
      });
      expect(view.body).not.toContain("Beta Studio");

      const before = await counts();
      const wrong = await post(`/api/v1/public/invites/${token}/accept`, { password: "not her password" });
      expect(wrong.statusCode).toBe(401);
      expect(wrong.json().error.code).toBe("invalid_credentials");
      expect(await counts()).toEqual(before);

      const accepted = await post(`/api/v1/public/invites/${token}/accept`, { password: PASSWORD });
      expect(accepted.statusCode, accepted.body).toBe(200);
      expect(accepted.json().actor.businessId).toBe(a.businessId);
      const meA = (await me(cookieOf(accepted))).json();
      expect(meA.business.name).toBe("Salon");
      expect(meA.account.businesses.map((x: { name: string }) => x.name)).toEqual(["Beta Studio", "Salon"]);

      // Sign-in: the right password answers the businesses to pick from, and sets no cookie.
      const choice = await signIn(person, PASSWORD);
      expect(choice.statusCode).toBe(200);
      expect(choice.json()).toEqual({
        signedIn: false,
        businesses: [
          { id: b.businessId, name: "Beta Studio" },
          { id: a.businessId, name: "Salon" },
        ],
      });
      expect(choice.headers["set-cookie"]).toBeUndefined();
      const inB = await signIn(person, PASSWORD, { businessId: b.businessId });
      expect(inB.json()).toMatchObject({ signedIn: true, actor: { businessId: b.businessId } });
      expect((await me(cookieOf(inB))).json().business.name).toBe("Beta Studio");

      // A wrong password answers exactly as for an address that has no account at all.
      const wrongPassword = await signIn(person, "wrong password");
      const unknown = await signIn("nobody@example.test", "wrong password");
      expect(wrongPassword.statusCode).toBe(401);
      expect(wrongPassword.body).toBe(unknown.body);
      const probing = await signIn(person, "wrong password", { businessId: a.businessId });
      expect(probing.body).toBe(unknown.body);
      // A business that is not theirs is refused only after the password was right.
      const notTheirs = await signIn(person, PASSWORD, {
        businessId: "00000000-0000-4000-8000-000000000000",
      });
      expect(notTheirs.statusCode).toBe(400);
      expect(notTheirs.json().error).toMatchObject({ code: "unknown_business", field: "businessId" });
    },
    SLOW_MS,
  );
});

describe("O2 invitation links", () => {
  it(
    "a new person chooses a password and is signed in; the link works once",
    async () => {
      const res = await invite("new.person@example.test", "Nina New", "front_desk");
      const { token } = await mailTo("new.person@example.test", "invite");
      expect(res.json()).toMatchObject({ status: "pending", role: "front_desk" });
      expect((await server.inject({ url: `/api/v1/public/invites/${token}` })).json().hasAccount).toBe(false);
      const short = await post(`/api/v1/public/invites/${token}/accept`, { password: "short" });
      expect(short.statusCode).toBe(400);
      expect(short.json().error).toMatchObject({ code: "password_too_short", field: "password" });
      const accepted = await post(`/api/v1/public/invites/${token}/accept`, { password: PASSWORD });
      expect(accepted.statusCode, accepted.body).toBe(200);
      expect(accepted.json().actor.role).toBe("front_desk");
      const staff = (await asOwner("GET", "/api/v1/staff")).json() as Array<{ email: string; name: string }>;
      expect(staff.find((s) => s.email === "new.person@example.test")?.name).toBe("Nina New");
      expect((await asOwner("GET", "/api/v1/staff/invitations")).json()).toEqual([]);

      const again = await post(`/api/v1/public/invites/${token}/accept`, { password: PASSWORD });
      expect(again.statusCode).toBe(404);
      expect(again.json().error.code).toBe("invitation_used");
      expect((await signIn("new.person@example.test", PASSWORD)).json().signedIn).toBe(true);
      const log = await a.database.db
        .selectFrom("activity_log")
        .select("details")
        .where("action", "=", "accept_staff_invitation")
        .executeTakeFirstOrThrow();
      expect(log.details).toMatchObject({ invitation: { invitedBy: a.staff.owner.staffId } });
    },
    SLOW_MS,
  );

  it("expires after 7 days; a wrong token, a cancelled and a resent-over link do not work", async () => {
    await invite("late@example.test");
    const late = await mailTo("late@example.test", "invite");
    a.clock.advance({ hours: 7 * 24 + 1 });
    const expired = await post(`/api/v1/public/invites/${late.token}/accept`, { password: PASSWORD });
    expect(expired.statusCode).toBe(404);
    expect(expired.json().error.code).toBe("invitation_expired");
    const list = (await asOwner("GET", "/api/v1/staff/invitations")).json();
    expect(list).toMatchObject([{ email: "late@example.test", status: "expired" }]);

    // Resent: a new link, valid again; the old one stops working.
    const resent = await asOwner("POST", `/api/v1/staff/invitations/${list[0].id}/resend`);
    expect(resent.statusCode).toBe(200);
    expect(resent.json().status).toBe("pending");
    const fresh = await mailTo("late@example.test", "invite");
    expect(fresh.token).not.toBe(late.token);
    expect((await server.inject({ url: `/api/v1/public/invites/${late.token}` })).json().error.code).toBe(
      "invitation_not_found",
    );
    expect((await server.inject({ url: `/api/v1/public/invites/${fresh.token}` })).statusCode).toBe(200);

    // Cancelled: the link is dead, and a new invitation of the address is possible.
    expect((await asOwner("DELETE", `/api/v1/staff/invitations/${list[0].id}`)).json()).toEqual({
      id: list[0].id,
      cancelled: true,
    });
    expect((await server.inject({ url: `/api/v1/public/invites/${fresh.token}` })).json().error.code).toBe(
      "invitation_not_found",
    );
    expect((await invite("late@example.test")).statusCode).toBe(201);

    const wrong = await post(`/api/v1/public/invites/${"x".repeat(43)}/accept`, { password: PASSWORD });
    expect(wrong.statusCode).toBe(404);
    expect(wrong.json().error.code).toBe("invitation_not_found");
  });

  it("refuses what the business itself knows: its own staff, an address already invited; another business's ids are unknown", async () => {
    const own = await invite(a.staff.manager.email);
    expect(own.statusCode).toBe(409);
    expect(own.json().error).toMatchObject({ code: "already_staff", field: "email" });
    expect((await invite("twice@example.test")).statusCode).toBe(201);
    const twice = await invite("twice@example.test");
    expect(twice.statusCode).toBe(409);
    expect(twice.json().error.code).toBe("already_invited");
    const elsewhere = await asOwner("POST", "/api/v1/staff/invitations", {
      name: "X",
      email: "x@example.test",
      role: "practitioner",
      homeLocationId: b.budapest,
    });
    expect(elsewhere.statusCode).toBe(404);
    const bToken = (await createApiToken(b.app, b.staff.owner, "b")).token;
    const id = (await asOwner("GET", "/api/v1/staff/invitations")).json()[0].id;
    const cancelByB = await server.inject({
      method: "DELETE",
      url: `/api/v1/staff/invitations/${id}`,
      headers: { authorization: `Bearer ${bToken}` },
    });
    expect(cancelByB.statusCode).toBe(404);
    const byManager = await server.inject({
      method: "POST",
      url: "/api/v1/staff/invitations",
      headers: { authorization: `Bearer ${(await createApiToken(a.app, a.staff.manager, "m")).token}` },
      payload: { name: "Y", email: "y@example.test", role: "owner", homeLocationId: a.budapest },
    });
    expect(byManager.statusCode).toBe(403);
  });
});

describe("O2 passwords", () => {
  it(
    "changing your password ends your other sessions in every business; the session that changed it stays",
    async () => {
      // The practitioner of B is also staff of A.
      const person = b.staff.practitioner.email;
      await invite(person);
      await post(`/api/v1/public/invites/${(await mailTo(person, "invite")).token}/accept`, {
        password: PASSWORD,
      });
      const first = await signIn(person, PASSWORD, { businessId: a.businessId });
      const second = await signIn(person, PASSWORD, { businessId: a.businessId });
      const inB = await signIn(person, PASSWORD, { businessId: b.businessId });
      const cookie = cookieOf(first);
      const csrf = first.json().csrfToken as string;

      const wrong = await post(
        "/api/v1/auth/password",
        { currentPassword: "not it at all", newPassword: "a brand new password" },
        { cookie, "x-csrf-token": csrf },
      );
      expect(wrong.statusCode).toBe(401);
      expect((await me(cookieOf(second))).statusCode).toBe(200);

      const changed = await post(
        "/api/v1/auth/password",
        { currentPassword: PASSWORD, newPassword: "a brand new password" },
        { cookie, "x-csrf-token": csrf },
      );
      expect(changed.statusCode, changed.body).toBe(200);
      // the session accepting the invitation opened, the second one in A, and the one in B
      expect(changed.json()).toEqual({ changed: true, endedSessions: 3 });
      expect((await me(cookie)).statusCode).toBe(200);
      expect((await me(cookieOf(second))).statusCode).toBe(401);
      expect((await me(cookieOf(inB))).statusCode).toBe(401);
      expect((await signIn(person, PASSWORD, { businessId: a.businessId })).statusCode).toBe(401);
      expect((await signIn(person, "a brand new password", { businessId: b.businessId })).statusCode).toBe(
        200,
      );

      // An integration's token has no password to change.
      const byToken = await asOwner("POST", "/api/v1/auth/password", {
        currentPassword: PASSWORD,
        newPassword: "a brand new password",
      });
      expect(byToken.statusCode).toBe(400);
      expect(byToken.json().error.code).toBe("session_required");
    },
    SLOW_MS,
  );

  it(
    "forgot password: the same answer for an unknown e-mail; the link, sent over SMTP, works once and ends every session",
    async () => {
      const smtp = await startSmtp();
      try {
        const person = a.staff.manager.email;
        const session = await signIn(person, PASSWORD);
        const known = await post("/api/v1/public/password-resets", { email: person.toUpperCase() });
        const unknown = await post("/api/v1/public/password-resets", { email: "nobody@example.test" });
        expect(known.statusCode).toBe(202);
        expect(known.body).toBe(unknown.body);
        expect(Object.keys(known.headers).sort()).toEqual(Object.keys(unknown.headers).sort());

        const mailer = createMailer({
          host: "127.0.0.1",
          port: smtp.port,
          from: "Carnet <no-reply@salon.test>",
          logFile: "",
        });
        try {
          await deliverOutbox(a.app, mailer, "Carnet <no-reply@salon.test>", a.clock.now);
        } finally {
          mailer.close();
        }
        expect(smtp.received.map((m) => m.envelopeTo)).toEqual([[person]]);
        const link = /http:\/\/localhost(?::\d+)?\/reset-password\/([A-Za-z0-9_-]{43})/.exec(
          smtp.received[0]!.body,
        );
        expect(link, smtp.received[0]!.body).not.toBeNull();
        const token = link![1]!;
        // Sent: the one-time link is gone from the database.
        const row = await a.database.db
          .selectFrom("outbox")
          .select("body_text")
          .where("to_address", "=", person)
          .executeTakeFirstOrThrow();
        expect(row.body_text).toBe(SCRUBBED_BODY);

        expect(
          (await server.inject({ url: `/api/v1/public/password-resets/${token}` })).json(),
        ).toMatchObject({
          email: person,
          purpose: "reset",
        });
        const set = await post(`/api/v1/public/password-resets/${token}`, {
          password: "a fresh long password",
        });
        expect(set.statusCode, set.body).toBe(200);
        expect((await me(cookieOf(session))).statusCode).toBe(401);
        expect((await signIn(person, PASSWORD)).statusCode).toBe(401);
        expect((await signIn(person, "a fresh long password")).statusCode).toBe(200);
        const again = await post(`/api/v1/public/password-resets/${token}`, {
          password: "yet another password",
        });
        expect(again.statusCode).toBe(404);
        expect(again.json().error.code).toBe("password_link_not_found");
      } finally {
        await smtp.close();
      }
    },
    SLOW_MS,
  );

  it("a reset link expires after an hour; requests are limited per e-mail, known or not", async () => {
    const person = a.staff.front_desk.email;
    await post("/api/v1/public/password-resets", { email: person });
    const { token } = await mailTo(person, "reset-password");
    a.clock.advance({ minutes: 61 });
    const expired = await post(`/api/v1/public/password-resets/${token}`, {
      password: "a fresh long password",
    });
    expect(expired.statusCode).toBe(404);
    expect(expired.json().error.code).toBe("password_link_expired");
    expect((await signIn(person, PASSWORD)).statusCode).toBe(200);

    for (const email of [person, "nobody@example.test"]) {
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++)
        statuses.push(
          (
            await server.inject({
              method: "POST",
              url: "/api/v1/public/password-resets",
              payload: { email },
              remoteAddress: `192.0.2.${i + 1}`,
            })
          ).statusCode,
        );
      // The known address's first request was in the hour before: each gets 3 this hour.
      expect(statuses).toEqual([202, 202, 202, 429]);
    }
  });
});

describe("O1 the migration to accounts", () => {
  it(
    "moves staff e-mails and hashes into accounts: an e-mail in two businesses becomes one account with the newest hash, and every login still works",
    async () => {
      const { database, dispose } = await databaseBefore("0014_accounts.sql");
      try {
        const older = await hashPassword("the older password");
        const newer = await hashPassword(PASSWORD);
        await database.exec(`
          INSERT INTO businesses (id, name, slug) VALUES
            ('00000000-0000-4000-8000-00000000000a', 'Alpha', 'alpha'),
            ('00000000-0000-4000-8000-00000000000b', 'Beta', 'beta');
          INSERT INTO locations (business_id, id, name, time_zone, currency) VALUES
            ('00000000-0000-4000-8000-00000000000a', '00000000-0000-4000-8000-0000000000a1', 'A', 'Europe/Budapest', 'HUF'),
            ('00000000-0000-4000-8000-00000000000b', '00000000-0000-4000-8000-0000000000b1', 'B', 'Europe/Budapest', 'HUF');
        `);
        await sql`
          INSERT INTO staff (business_id, name, email, role, home_location_id, password_hash, created_at) VALUES
            ('00000000-0000-4000-8000-00000000000a', 'Both in A', 'both@example.test', 'owner',
             '00000000-0000-4000-8000-0000000000a1', ${older}, '2025-01-01T00:00:00Z'),
            ('00000000-0000-4000-8000-00000000000b', 'Both in B', 'both@example.test', 'manager',
             '00000000-0000-4000-8000-0000000000b1', ${newer}, '2025-06-01T00:00:00Z'),
            ('00000000-0000-4000-8000-00000000000a', 'Only A', 'only@example.test', 'front_desk',
             '00000000-0000-4000-8000-0000000000a1', ${newer}, '2025-03-01T00:00:00Z')`.execute(database.db);
        await migrate(database);
        const accounts = await database.db
          .selectFrom("accounts")
          .select(["email", "password_hash", "created_at"])
          .orderBy("email")
          .execute();
        expect(accounts.map((x) => [x.email, x.password_hash === newer])).toEqual([
          ["both@example.test", true],
          ["only@example.test", true],
        ]);
        expect(accounts[0]!.created_at.toISOString()).toBe("2025-01-01T00:00:00.000Z");
        const staff = await database.db.selectFrom("staff").select(["email", "account_id"]).execute();
        expect(
          new Set(staff.filter((s) => s.email === "both@example.test").map((s) => s.account_id)).size,
        ).toBe(1);

        const migrated = await buildServer(
          { database, clock: a.clock.fn },
          { logger: false, secureCookies: false, demoLogins: null },
        );
        try {
          const only = await migrated.inject({
            method: "POST",
            url: "/api/v1/auth/sign-in",
            payload: { email: "only@example.test", password: PASSWORD },
          });
          expect(only.json()).toMatchObject({ signedIn: true });
          const both = await migrated.inject({
            method: "POST",
            url: "/api/v1/auth/sign-in",
            payload: { email: "both@example.test", password: PASSWORD },
          });
          expect(both.json()).toEqual({
            signedIn: false,
            businesses: [
              { id: "00000000-0000-4000-8000-00000000000a", name: "Alpha" },
              { id: "00000000-0000-4000-8000-00000000000b", name: "Beta" },
            ],
          });
        } finally {
          await migrated.close();
        }
      } finally {
        await dispose();
      }
    },
    SLOW_MS,
  );
});
