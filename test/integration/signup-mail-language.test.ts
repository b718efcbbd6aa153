// O1, U2: the sign-up e-mail speaks the language the sign-up page spoke (the web form sends it as
// `language`): a Hungarian owner reads the link's mail in Hungarian, one who sent no language reads
// English, and a language Carnet has no words for is refused before anything is counted or sent.
// Through the real server, on both databases.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import { afterEach, describe, expect, it } from "vitest";
import { LOCALES_DIR } from "../../src/app/languages.js";
import type { Database } from "../../src/db/database.js";
import { buildServer } from "../../src/http/server.js";
import { FakeClock } from "../support/scenario.js";
import { createTestDatabase } from "../support/test-db.js";

let database: Database | undefined;
let server: FastifyInstance | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
  await database?.close();
  database = undefined;
});

async function signUpOpen() {
  database = await createTestDatabase();
  const clock = new FakeClock();
  server = await buildServer(
    { database, clock: clock.fn },
    { logger: false, secureCookies: false, demoLogins: null, signUpOpen: true },
  );
  return { db: database, server };
}

const body = (email: string, language?: string) => ({
  businessName: "Szépség Stúdió",
  location: { name: "Budapest", timeZone: "Europe/Budapest", currency: "HUF" },
  owner: { name: "Zsófia Kovács", email },
  ...(language === undefined ? {} : { language }),
});

/** The sign-up mail's words in a language, from its locales file, with {{business}} filled in. */
function words(language: string) {
  const mail = JSON.parse(readFileSync(join(LOCALES_DIR, language, "mail.json"), "utf8"));
  const fill = (text: string) =>
    text.replaceAll("{{business}}", "Szépség Stúdió").replaceAll("{{count}}", "24");
  return {
    subject: fill(mail.signUp.subject as string),
    open: fill(mail.signUp.open_other as string),
    once: mail.signUp.once as string,
  };
}

const mailTo = (db: Database, to: string) =>
  db.db.selectFrom("outbox").select(["subject", "body_text"]).where("to_address", "=", to).execute();

describe("O1, U2: the sign-up e-mail's language", () => {
  it("is the one the sign-up page sent: Hungarian for a Hungarian page, English when none is sent", async () => {
    const { db, server } = await signUpOpen();
    const hungarian = await server.inject({
      method: "POST",
      url: "/api/v1/public/sign-ups",
      payload: body("zsofia@example.test", "hu"),
    });
    expect(hungarian.statusCode, hungarian.body).toBe(202);
    const none = await server.inject({
      method: "POST",
      url: "/api/v1/public/sign-ups",
      payload: body("nora@example.test"),
    });
    expect(none.statusCode, none.body).toBe(202);

    const hu = words("hu");
    const en = words("en");
    expect(hu.subject).not.toBe(en.subject);
    const [toZsofia] = await mailTo(db, "zsofia@example.test");
    expect(toZsofia!.subject).toBe(hu.subject);
    expect(toZsofia!.body_text).toContain(hu.open);
    expect(toZsofia!.body_text).toContain(hu.once);
    expect(toZsofia!.body_text).not.toContain(en.once);
    expect(toZsofia!.body_text).toMatch(/\/sign-up\/[A-Za-z0-9_-]{43}/);

    const [toNora] = await mailTo(db, "nora@example.test");
    expect(toNora!.subject).toBe(en.subject);
    expect(toNora!.body_text).toContain(en.open);
  });

  it("English asked for is English", async () => {
    const { db, server } = await signUpOpen();
    const res = await server.inject({
      method: "POST",
      url: "/api/v1/public/sign-ups",
      payload: body("eva@example.test", "en"),
    });
    expect(res.statusCode, res.body).toBe(202);
    expect((await mailTo(db, "eva@example.test"))[0]!.subject).toBe(words("en").subject);
  });

  it("a language Carnet has no words for is refused at its field, and nothing is sent", async () => {
    const { db, server } = await signUpOpen();
    for (const language of ["xx", "HU", "hungarian"]) {
      const res = await server.inject({
        method: "POST",
        url: "/api/v1/public/sign-ups",
        payload: body("zsofia@example.test", language),
      });
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json().error.field).toBe("language");
    }
    const unknown = await server.inject({
      method: "POST",
      url: "/api/v1/public/sign-ups",
      payload: body("zsofia@example.test", "xx"),
    });
    expect(unknown.json().error.code).toBe("unknown_language");
    expect(await mailTo(db, "zsofia@example.test")).toEqual([]);
    expect(await db.db.selectFrom("sign_up_requests").select("id").execute()).toEqual([]);
  });
});
