// O1: a business from nothing. The first run of an empty Carnet with demo mode off creates the
// business, its first location and its owner, signs the owner in, and works only while there is no
// business at all (of two at once, one wins); `carnet create-business` does the same on the command
// line; CARNET_SIGNUP=open lets further businesses sign up through an e-mailed link, and is off by
// default. All through the real server (or the real command), on both databases.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FastifyInstance, LightMyRequestResponse } from "fastify";
import { sql } from "kysely";
import { afterEach, describe, expect, it } from "vitest";
import { NO_BUSINESS } from "../../src/app/accounts/members.js";
import type { App } from "../../src/app/context.js";
import { type Database, openDatabase } from "../../src/db/database.js";
import { migrate } from "../../src/db/migrate.js";
import { buildServer } from "../../src/http/server.js";
import { runCli } from "../support/processes.js";
import { addBusiness, CHANGEABLE_TABLES, FakeClock, PASSWORD } from "../support/scenario.js";
import { createTestDatabase, databaseUrlOf, testBackend } from "../support/test-db.js";

const SLOW_MS = 120_000;

let database: Database | undefined;
let servers: FastifyInstance[] = [];

afterEach(async () => {
  for (const s of servers) await s.close();
  servers = [];
  await database?.close();
  database = undefined;
});

async function emptyCarnet(options: { demo?: boolean; signUpOpen?: boolean } = {}) {
  database = await createTestDatabase();
  const clock = new FakeClock();
  const app: App = { database, clock: clock.fn };
  const server = await buildServer(app, {
    logger: false,
    secureCookies: false,
    demoLogins: options.demo ? [] : null,
    signUpOpen: options.signUpOpen ?? false,
  });
  servers.push(server);
  return { database, app, clock, server };
}

const firstRunBody = (overrides: Record<string, unknown> = {}) => ({
  businessName: "Szépség Stúdió",
  location: {
    name: "Budapest, Király utca",
    timeZone: "Europe/Budapest",
    currency: "HUF",
    address: "Király utca 12, 1061 Budapest",
  },
  owner: { name: "Zsófia Kovács", email: "Zsofia@Example.test", password: PASSWORD },
  ...overrides,
});

const cookieOf = (res: LightMyRequestResponse) => String(res.headers["set-cookie"] ?? "").split(";")[0]!;

async function counts(db: Database) {
  const out: Record<string, number> = {};
  for (const table of CHANGEABLE_TABLES) {
    const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM ${sql.table(table)}`.execute(
      db.db,
    );
    out[table] = rows[0]!.n;
  }
  return out;
}

describe("O1 the first run", () => {
  it(
    "an empty Carnet with demo mode off creates the business, its location and owner, signs the owner in, and is over once a business exists",
    async () => {
      const { server, database: db } = await emptyCarnet();
      expect((await server.inject({ url: "/api/v1/setup" })).json()).toEqual({
        firstRun: true,
        signUpOpen: false,
      });
      const res = await server.inject({
        method: "POST",
        url: "/api/v1/setup/business",
        payload: firstRunBody(),
      });
      expect(res.statusCode, res.body).toBe(201);
      const body = res.json();
      expect(body).toMatchObject({
        signedIn: true,
        actor: { role: "owner" },
        business: { name: "Szépség Stúdió", slug: "szepseg-studio" },
      });
      expect(JSON.stringify(body)).not.toContain("sessionToken");
      const cookie = cookieOf(res);
      expect(cookie).toMatch(/^carnet_session=/);

      const me = await server.inject({ url: "/api/v1/auth/me", headers: { cookie } });
      expect(me.statusCode).toBe(200);
      expect(me.json()).toMatchObject({
        staff: { name: "Zsófia Kovács", role: "owner" },
        business: { name: "Szépség Stúdió" },
        location: {
          name: "Budapest, Király utca",
          timeZone: "Europe/Budapest",
          currency: "HUF",
          address: "Király utca 12, 1061 Budapest",
        },
        account: { email: "zsofia@example.test", businesses: [{ name: "Szépség Stúdió" }] },
      });
      // The owner works as any owner: a write with the session's CSRF token goes through.
      const customer = await server.inject({
        method: "POST",
        url: "/api/v1/customers",
        headers: { cookie, "x-csrf-token": body.csrfToken },
        payload: { name: "Első Vendég" },
      });
      expect(customer.statusCode).toBe(201);
      const activity = await db.db.selectFrom("activity_log").select(["action", "details"]).execute();
      expect(activity.find((a) => a.action === "create_business")?.details).toMatchObject({
        via: "first_run",
        owner: { email: "zsofia@example.test" },
      });

      expect((await server.inject({ url: "/api/v1/setup" })).json().firstRun).toBe(false);
      const before = await counts(db);
      const again = await server.inject({
        method: "POST",
        url: "/api/v1/setup/business",
        payload: firstRunBody({ businessName: "Another" }),
      });
      expect(again.statusCode).toBe(404);
      expect(again.json().error.code).toBe("first_run_over");
      expect(again.headers["set-cookie"]).toBeUndefined();
      expect(await counts(db)).toEqual(before);

      // The owner signs in with the password chosen, by the e-mail in any case.
      const signIn = await server.inject({
        method: "POST",
        url: "/api/v1/auth/sign-in",
        payload: { email: "zsofia@example.test", password: PASSWORD },
      });
      expect(signIn.statusCode).toBe(200);
      expect(signIn.json().signedIn).toBe(true);
    },
    SLOW_MS,
  );

  it(
    "two first runs at once create one business: one is signed in, the other refused",
    async () => {
      const { server, database: db } = await emptyCarnet();
      // A second server on the same database: the race is decided by the database, not one process.
      const second = await buildServer(
        { database: db, clock: new FakeClock().fn },
        { logger: false, secureCookies: false, demoLogins: null },
      );
      servers.push(second);
      const [a, b] = await Promise.all([
        server.inject({ method: "POST", url: "/api/v1/setup/business", payload: firstRunBody() }),
        second.inject({
          method: "POST",
          url: "/api/v1/setup/business",
          payload: firstRunBody({
            businessName: "Rival",
            owner: { name: "Rival", email: "rival@example.test", password: PASSWORD },
          }),
        }),
      ]);
      expect([a.statusCode, b.statusCode].sort()).toEqual([201, 404]);
      const refused = a.statusCode === 404 ? a : b;
      expect(refused.json().error.code).toBe("first_run_over");
      expect(refused.headers["set-cookie"]).toBeUndefined();
      const businesses = await db.db.selectFrom("businesses").select("name").execute();
      expect(businesses).toHaveLength(1);
      expect(await db.db.selectFrom("accounts").select("email").execute()).toHaveLength(1);
    },
    SLOW_MS,
  );

  it("is refused in demo mode, and once any business exists, before any password is hashed", async () => {
    const { server, database: db, clock } = await emptyCarnet({ demo: true });
    expect((await server.inject({ url: "/api/v1/setup" })).json().firstRun).toBe(false);
    const demo = await server.inject({
      method: "POST",
      url: "/api/v1/setup/business",
      payload: firstRunBody(),
    });
    expect(demo.statusCode).toBe(404);
    expect(demo.json().error.code).toBe("first_run_over");
    expect(await db.db.selectFrom("businesses").select("id").execute()).toEqual([]);

    // Demo mode off, but a business made some other way (a scenario writes its rows directly).
    await addBusiness(db, clock);
    const off = await buildServer(
      { database: db, clock: clock.fn },
      { logger: false, secureCookies: false, demoLogins: null },
    );
    servers.push(off);
    const before = await counts(db);
    const refused = await off.inject({
      method: "POST",
      url: "/api/v1/setup/business",
      payload: firstRunBody(),
    });
    expect(refused.statusCode).toBe(404);
    expect(refused.json().error.code).toBe("first_run_over");
    expect(await counts(db)).toEqual(before);
  });

  it("a time zone or currency that does not exist answers 400 naming it, and nothing is written", async () => {
    const { server, database: db } = await emptyCarnet();
    const before = await counts(db);
    const zone = await server.inject({
      method: "POST",
      url: "/api/v1/setup/business",
      payload: firstRunBody({ location: { name: "Main", timeZone: "Europe/Atlantis", currency: "HUF" } }),
    });
    expect(zone.statusCode).toBe(400);
    expect(zone.json().error).toMatchObject({ code: "invalid_time_zone", field: "location.timeZone" });
    const money = await server.inject({
      method: "POST",
      url: "/api/v1/setup/business",
      payload: firstRunBody({ location: { name: "Main", timeZone: "Europe/Budapest", currency: "XQZ" } }),
    });
    expect(money.statusCode).toBe(400);
    expect(money.json().error).toMatchObject({ code: "invalid_currency", field: "location.currency" });
    const short = await server.inject({
      method: "POST",
      url: "/api/v1/setup/business",
      payload: firstRunBody({ owner: { name: "A", email: "a@example.test", password: "short" } }),
    });
    expect(short.statusCode).toBe(400);
    expect(short.json().error.field).toBe("owner.password");
    expect(await counts(db)).toEqual(before);
    expect((await server.inject({ url: "/api/v1/setup" })).json().firstRun).toBe(true);
  });
});

describe("O1 carnet create-business", () => {
  /** A database on disk (embedded) or on the server, for the command to open. */
  async function cliDatabase(): Promise<{
    env: Record<string, string>;
    open: () => Promise<Database>;
    done: () => Promise<void>;
    closeAfterUse: boolean;
  }> {
    if (testBackend() === "postgres") {
      const db = await createTestDatabase();
      return {
        env: { DATABASE_URL: await databaseUrlOf(db), CARNET_PUBLIC_URL: "https://salon.example" },
        open: async () => db,
        done: async () => db.close(),
        closeAfterUse: false,
      };
    }
    const dataDir = mkdtempSync(join(tmpdir(), "carnet-create-"));
    const db = await openDatabase({ dataDir });
    await migrate(db);
    await db.close();
    return {
      env: { DATABASE_URL: "", CARNET_DATA_DIR: dataDir, CARNET_PUBLIC_URL: "https://salon.example" },
      open: () => openDatabase({ dataDir }),
      done: async () => rmSync(dataDir, { recursive: true, force: true }),
      closeAfterUse: true,
    };
  }

  it(
    "reads the owner's password from standard input; the owner signs in with it",
    async () => {
      const target = await cliDatabase();
      try {
        const run = await runCli(
          [
            "create-business",
            "--name",
            "Studio Nord",
            "--zone",
            "Europe/Vienna",
            "--currency",
            "EUR",
            "--owner-email",
            "owner@nord.example",
            "--password-stdin",
          ],
          target.env,
          `${PASSWORD}\n`,
        );
        expect(run.stderr).toBe("");
        expect(run.code).toBe(0);
        expect(run.stdout).toMatch(/created Studio Nord \(studio-nord\)/);
        expect(run.stdout).toMatch(/Europe\/Vienna, EUR/);
        expect(run.stdout).toMatch(/signs in with the password given/);
        expect(run.stdout).not.toMatch(/reset-password/);
        const db = await target.open();
        try {
          const server = await buildServer(
            { database: db, clock: new FakeClock().fn },
            { logger: false, secureCookies: false, demoLogins: null },
          );
          servers.push(server);
          const signIn = await server.inject({
            method: "POST",
            url: "/api/v1/auth/sign-in",
            payload: { email: "owner@nord.example", password: PASSWORD },
          });
          expect(signIn.statusCode, signIn.body).toBe(200);
          expect(signIn.json().actor.role).toBe("owner");
          // The installation is set up: the first run is over.
          expect((await server.inject({ url: "/api/v1/setup" })).json().firstRun).toBe(false);
        } finally {
          if (target.closeAfterUse) await db.close();
        }
      } finally {
        await target.done();
      }
    },
    SLOW_MS,
  );

  it(
    "without a password prints a one-time link once; it sets the password, and works once",
    async () => {
      const target = await cliDatabase();
      try {
        const run = await runCli(
          [
            "create-business",
            "--name",
            "Studio Süd",
            "--zone",
            "Europe/Vienna",
            "--currency",
            "EUR",
            "--owner-email",
            "owner@sud.example",
            "--owner-name",
            "Sabine Süd",
            "--location",
            "Graz",
          ],
          target.env,
        );
        expect(run.code, run.stderr).toBe(0);
        const link = /https:\/\/salon\.example\/reset-password\/([A-Za-z0-9_-]{43})/.exec(run.stdout);
        expect(link, run.stdout).not.toBeNull();
        const token = link![1]!;
        const db = await target.open();
        try {
          // Only a hash of the link's token is kept.
          const rows = await db.db.selectFrom("password_resets").selectAll().execute();
          expect(rows).toHaveLength(1);
          expect(JSON.stringify(rows)).not.toContain(token);
          const server = await buildServer(
            { database: db, clock: () => new FakeClock().now.add({ hours: 1 }) },
            { logger: false, secureCookies: false, demoLogins: null },
          );
          servers.push(server);
          // The account cannot sign in before the password is chosen.
          const before = await server.inject({
            method: "POST",
            url: "/api/v1/auth/sign-in",
            payload: { email: "owner@sud.example", password: PASSWORD },
          });
          expect(before.statusCode).toBe(401);
          const view = await server.inject({ url: `/api/v1/public/password-resets/${token}` });
          expect(view.json()).toMatchObject({ email: "owner@sud.example", purpose: "first_password" });
          const set = await server.inject({
            method: "POST",
            url: `/api/v1/public/password-resets/${token}`,
            payload: { password: PASSWORD },
          });
          expect(set.statusCode, set.body).toBe(200);
          const again = await server.inject({
            method: "POST",
            url: `/api/v1/public/password-resets/${token}`,
            payload: { password: "another long password" },
          });
          expect(again.statusCode).toBe(404);
          expect(again.json().error.code).toBe("password_link_not_found");
          const signIn = await server.inject({
            method: "POST",
            url: "/api/v1/auth/sign-in",
            payload: { email: "owner@sud.example", password: PASSWORD },
          });
          expect(signIn.statusCode).toBe(200);
          const me = await server.inject({ url: "/api/v1/auth/me", headers: { cookie: cookieOf(signIn) } });
          expect(me.json()).toMatchObject({ staff: { name: "Sabine Süd" }, location: { name: "Graz" } });
        } finally {
          if (target.closeAfterUse) await db.close();
        }
      } finally {
        await target.done();
      }
    },
    SLOW_MS,
  );

  it(
    "a zone that does not exist exits 1 naming --zone, and creates nothing",
    async () => {
      const target = await cliDatabase();
      try {
        const run = await runCli(
          [
            "create-business",
            "--name",
            "X Salon",
            "--zone",
            "Mars/Olympus",
            "--currency",
            "EUR",
            "--owner-email",
            "x@x.example",
          ],
          target.env,
        );
        expect(run.code).toBe(1);
        expect(run.stderr).toMatch(/--zone: .*IANA time zone/);
        const missing = await runCli(["create-business", "--name", "X Salon"], target.env);
        expect(missing.code).toBe(2);
        expect(missing.stderr).toMatch(/--zone/);
        expect(missing.stderr).toMatch(/--owner-email/);
        const db = await target.open();
        try {
          expect(await db.db.selectFrom("businesses").select("id").execute()).toEqual([]);
        } finally {
          if (target.closeAfterUse) await db.close();
        }
      } finally {
        await target.done();
      }
    },
    SLOW_MS,
  );
});

describe("O1 open sign-up (CARNET_SIGNUP=open)", () => {
  const signUpBody = (email: string) => ({
    businessName: "Nail Bar",
    location: { name: "Vienna", timeZone: "Europe/Vienna", currency: "EUR" },
    owner: { name: "Nora Nagel", email },
  });
  const mailTo = async (db: Database, to: string) =>
    db.db
      .selectFrom("outbox")
      .select(["business_id", "subject", "body_text", "to_address"])
      .where("to_address", "=", to)
      .orderBy("created_at", "desc")
      .executeTakeFirstOrThrow();
  const tokenIn = (text: string) => /\/sign-up\/([A-Za-z0-9_-]{43})/.exec(text)![1]!;

  it("is off by default: 404 sign_up_closed, and nothing is written or sent", async () => {
    const { server, database: db, clock } = await emptyCarnet();
    await addBusiness(db, clock);
    expect((await server.inject({ url: "/api/v1/setup" })).json().signUpOpen).toBe(false);
    const before = await counts(db);
    const res = await server.inject({
      method: "POST",
      url: "/api/v1/public/sign-ups",
      payload: signUpBody("nora@example.test"),
    });
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe("sign_up_closed");
    const view = await server.inject({ url: `/api/v1/public/sign-ups/${"a".repeat(43)}` });
    expect(view.statusCode).toBe(404);
    expect(await counts(db)).toEqual(before);
  });

  it(
    "answers and mails the same whether the e-mail has an account; the link creates the business once, with the existing password or a new one",
    async () => {
      const { server, database: db, clock } = await emptyCarnet({ signUpOpen: true });
      const existing = await addBusiness(db, clock, "Old Salon");
      const known = existing.staff.practitioner.email;
      const fresh = "nora@example.test";
      const [a, b] = [
        await server.inject({ method: "POST", url: "/api/v1/public/sign-ups", payload: signUpBody(known) }),
        await server.inject({ method: "POST", url: "/api/v1/public/sign-ups", payload: signUpBody(fresh) }),
      ];
      expect(a.statusCode).toBe(202);
      expect(b.statusCode).toBe(202);
      expect(a.body.replaceAll(known, "X")).toBe(b.body.replaceAll(fresh, "X"));
      const [mailA, mailB] = [await mailTo(db, known), await mailTo(db, fresh)];
      expect(mailA.business_id).toBe(NO_BUSINESS);
      expect(mailA.subject).toBe(mailB.subject);
      const tokenA = tokenIn(mailA.body_text);
      const tokenB = tokenIn(mailB.body_text);
      expect(mailA.body_text.replace(tokenA, "T")).toBe(mailB.body_text.replace(tokenB, "T"));

      // The fresh address chooses a password; the business is made and its owner signed in.
      const viewB = await server.inject({ url: `/api/v1/public/sign-ups/${tokenB}` });
      expect(viewB.json()).toMatchObject({ businessName: "Nail Bar", email: fresh, hasAccount: false });
      const made = await server.inject({
        method: "POST",
        url: `/api/v1/public/sign-ups/${tokenB}`,
        payload: { password: PASSWORD },
      });
      expect(made.statusCode, made.body).toBe(201);
      const twice = await server.inject({
        method: "POST",
        url: `/api/v1/public/sign-ups/${tokenB}`,
        payload: { password: PASSWORD },
      });
      expect(twice.statusCode).toBe(404);
      expect(twice.json().error.code).toBe("sign_up_used");

      // The address with an account signs in with its password: a wrong one creates nothing.
      expect((await server.inject({ url: `/api/v1/public/sign-ups/${tokenA}` })).json().hasAccount).toBe(
        true,
      );
      const before = await counts(db);
      const wrong = await server.inject({
        method: "POST",
        url: `/api/v1/public/sign-ups/${tokenA}`,
        payload: { password: "not the password" },
      });
      expect(wrong.statusCode).toBe(401);
      expect(wrong.json().error.code).toBe("invalid_credentials");
      expect(await counts(db)).toEqual(before);
      const joined = await server.inject({
        method: "POST",
        url: `/api/v1/public/sign-ups/${tokenA}`,
        payload: { password: PASSWORD },
      });
      expect(joined.statusCode, joined.body).toBe(201);
      // Two businesses now, each isolated: the second has its own slug, location and owner.
      const slugs = await db.db
        .selectFrom("businesses")
        .select("slug")
        .where("name", "=", "Nail Bar")
        .execute();
      expect(slugs.map((s) => s.slug).sort()).toEqual(["nail-bar", "nail-bar-2"]);
      const signIn = await server.inject({
        method: "POST",
        url: "/api/v1/auth/sign-in",
        payload: { email: known, password: PASSWORD },
      });
      expect(signIn.json()).toMatchObject({
        signedIn: false,
        businesses: [{ name: "Nail Bar" }, { name: "Old Salon" }],
      });
    },
    SLOW_MS,
  );

  it("one address gets 5 sign-ups an hour, one e-mail 3 a day: then 429 with Retry-After", async () => {
    const { server } = await emptyCarnet({ signUpOpen: true });
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      const res = await server.inject({
        method: "POST",
        url: "/api/v1/public/sign-ups",
        payload: signUpBody(`owner${i}@example.test`),
        remoteAddress: "203.0.113.7",
      });
      statuses.push(res.statusCode);
      if (res.statusCode === 429) {
        expect(res.json().error.code).toBe("too_many_sign_ups");
        expect(Number(res.headers["retry-after"])).toBeGreaterThan(0);
      }
    }
    expect(statuses).toEqual([202, 202, 202, 202, 202, 429]);
    const byEmail: number[] = [];
    for (let i = 0; i < 4; i++) {
      const res = await server.inject({
        method: "POST",
        url: "/api/v1/public/sign-ups",
        payload: signUpBody("same@example.test"),
        remoteAddress: `198.51.100.${i + 1}`,
      });
      byEmail.push(res.statusCode);
    }
    expect(byEmail).toEqual([202, 202, 202, 429]);
  });
});
