// R3 and the "Reminders" settled detail, end to end: the reminder job queues into the outbox, the
// delivery job sends through a real SMTP conversation (an SMTP server inside the test), at least
// once, with a Message-ID derived from the package and its expiry date, and never twice: not on a
// second run, not after a restart on the same database, not when two workers deliver at once.
import { createHash } from "node:crypto";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { App } from "../../src/app/context.js";
import { updateSettings } from "../../src/app/manage-business.js";
import { createCustomer } from "../../src/app/manage-customers.js";
import { createMailer, deliverOutbox, type Mailer } from "../../src/app/outbox.js";
import { refundPackage } from "../../src/app/refund-package.js";
import { type Database, openDatabase } from "../../src/db/database.js";
import { queueExpiryReminders } from "../../src/jobs/expiry-reminders.js";
import { addBusiness, FakeClock } from "../support/scenario.js";
import { startSmtp, type TestSmtp } from "../support/smtp.js";
import { createTestDatabase, databaseUrlOf, testBackend } from "../support/test-db.js";

const FROM = "Salon <salon@example.test>";

const smtpMailer = (port: number): Mailer =>
  createMailer({ host: "127.0.0.1", port, from: FROM, logFile: "" });

/** The Message-ID the settled detail asks for, computed here independently of src/. */
const expectedMessageId = (packageId: string, expiresOn: string) =>
  `<${createHash("sha256").update(`expiry-reminder:${packageId}:${expiresOn}`).digest("hex").slice(0, 32)}@carnet.mail>`;

// ---------------------------------------------------------------------------------------------
// A database that survives closing its handle: a data folder for PGlite, a server database for
// PostgreSQL. `open()` gives a new handle on the same data, like a restarted server.

interface PersistentDatabase {
  open(): Promise<Database>;
  dispose(): Promise<void>;
}

async function persistentDatabase(): Promise<PersistentDatabase> {
  const fresh = await createTestDatabase();
  if (testBackend() === "pglite") {
    const migrated = await fresh.pglite!.dumpDataDir("none");
    await fresh.close();
    const dir = await mkdtemp(join(tmpdir(), "carnet-reminders-"));
    let first = true;
    return {
      async open() {
        const loadDataDir = first ? { loadDataDir: migrated } : {};
        first = false;
        return openDatabase({ dataDir: dir, ...loadDataDir });
      },
      dispose: () => rm(dir, { recursive: true, force: true }),
    };
  }
  const url = await databaseUrlOf(fresh);
  return {
    open: () => openDatabase({ databaseUrl: url, poolSize: 5 }),
    dispose: () => fresh.close(), // drops the database
  };
}

// ---------------------------------------------------------------------------------------------

let store: PersistentDatabase;
let database: Database;
let smtp: TestSmtp;
let b: Awaited<ReturnType<typeof addBusiness>>;
const handles: Database[] = [];

// The first database builds the migrated template: slow on a shared, busy machine.
beforeEach(async () => {
  store = await persistentDatabase();
  database = await store.open();
  handles.push(database);
  b = await addBusiness(database, new FakeClock(), "Studio Rózsa");
  smtp = await startSmtp();
}, 180_000);

afterEach(async () => {
  await smtp?.close();
  for (const h of handles.splice(0)) await h.close();
  await store.dispose();
});

const appOn = (db: Database): App => ({ database: db, clock: b.clock.fn });
const customerWith = (name: string, email: string | null) =>
  createCustomer(b.as("front_desk"), { name, email });
const outboxRows = (db: Database = database) =>
  db.db.selectFrom("outbox").selectAll().orderBy("created_at").orderBy("id").execute();

/** Queue what is due and deliver it, as the scheduler does. */
async function runJobs(app: App, mailer: Mailer) {
  const queued = await queueExpiryReminders(app, app.clock());
  const delivered = await deliverOutbox(app, mailer, FROM, app.clock());
  return { queued, ...delivered };
}

async function remindSevenDays() {
  await updateSettings(b.as("owner"), { reminderDaysBeforeExpiry: 7 });
}

/** Anna: 5× manicure + 2× pedicure valid 5 days, 2 manicures used → 3 and 2 left. */
async function annaWithCreditsLeft() {
  const template = await b.template({
    name: "Spring Hands",
    validity: { kind: "days", count: 5 },
    items: [
      { itemId: b.items.manicure, quantity: 5 },
      { itemId: b.items.pedicure, quantity: 2 },
    ],
  });
  const customerId = (await customerWith("Anna Kertész", "anna@example.test")).id;
  const sold = await b.sold(template, { customerId });
  await b.redeem(sold, 2);
  const pkg = await database.db
    .selectFrom("customer_packages")
    .select(["expires_on"])
    .where("id", "=", sold.packageId)
    .executeTakeFirstOrThrow();
  return { ...sold, template, expiresOn: pkg.expires_on! };
}

// Each test builds a business and sells several packages on a fresh database: generous timeouts for
// a shared two-core machine.
describe("expiry reminders by e-mail (R3)", { timeout: 90_000 }, () => {
  it("7 days before: only the customer with credits left and an address gets one message; a second run sends nothing", async () => {
    await remindSevenDays();
    const anna = await annaWithCreditsLeft();
    // 2026-06-01 12:00 in Budapest + 5 days
    expect(anna.expiresOn).toBe("2026-06-06");

    // Béla used everything: nothing to remind him of.
    const course = await b.template({
      name: "3x Manicure",
      validity: { kind: "days", count: 5 },
      items: [{ itemId: b.items.manicure, quantity: 3 }],
    });
    const bela = await b.sold(course, { customerId: (await customerWith("Béla", "bela@example.test")).id });
    await b.redeem(bela, 3);
    // Csilla has credits left but no e-mail address.
    await b.sold(anna.template, { customerId: (await customerWith("Csilla", null)).id });
    // Dóra's package was refunded.
    const dora = await b.sold(anna.template, {
      customerId: (await customerWith("Dóra", "dora@example.test")).id,
    });
    await refundPackage(b.as("manager"), { packageId: dora.packageId, kind: "money" });
    // Erik's package expires in 20 days: not yet.
    const later = await b.template({
      name: "Summer Feet",
      validity: { kind: "days", count: 20 },
      items: [{ itemId: b.items.pedicure, quantity: 4 }],
    });
    const erik = await b.sold(later, { customerId: (await customerWith("Erik", "erik@example.test")).id });

    const app = appOn(database);
    const mailer = smtpMailer(smtp.port);
    try {
      expect(await runJobs(app, mailer)).toEqual({ queued: 1, sent: 1, failed: 0 });
      expect(smtp.received).toHaveLength(1);
      const mail = smtp.received[0]!;
      expect(mail.envelopeTo).toEqual(["anna@example.test"]);
      expect(mail.headers.to).toBe("anna@example.test");
      expect(mail.headers.from).toBe(FROM);
      expect(mail.headers.subject).toBe("Your Spring Hands expires on 6 June 2026");
      expect(mail.body).toContain("Dear Anna Kertész,");
      expect(mail.body).toContain("3 × Manicure");
      expect(mail.body).toContain("2 × Pedicure");
      expect(mail.body).toContain("Studio Rózsa");
      expect(mail.headers["message-id"]).toBe(expectedMessageId(anna.packageId, "2026-06-06"));
      const [row] = await outboxRows();
      expect(row).toMatchObject({
        status: "sent",
        attempts: 1,
        message_id: mail.headers["message-id"],
        to_address: "anna@example.test",
      });

      // The next turns of the scheduler: nothing new, nothing again.
      expect(await runJobs(app, mailer)).toEqual({ queued: 0, sent: 0, failed: 0 });
      b.clock.advance({ hours: 6 });
      expect(await runJobs(app, mailer)).toEqual({ queued: 0, sent: 0, failed: 0 });
      expect(smtp.received).toHaveLength(1);

      // Two weeks on: Anna's package has expired (no mail), Erik's is now 7 days from its end.
      b.clock.advance({ hours: 13 * 24 });
      expect(await runJobs(app, mailer)).toEqual({ queued: 1, sent: 1, failed: 0 });
      expect(smtp.received.map((m) => m.envelopeTo[0])).toEqual(["anna@example.test", "erik@example.test"]);
      expect(smtp.received[1]!.body).toContain("4 × Pedicure");
      expect(smtp.received[1]!.headers["message-id"]).toBe(expectedMessageId(erik.packageId, "2026-06-21"));
    } finally {
      mailer.close();
    }
  });

  it("off (no setting): no reminder at all", async () => {
    await annaWithCreditsLeft();
    const mailer = smtpMailer(smtp.port);
    try {
      expect(await runJobs(appOn(database), mailer)).toEqual({ queued: 0, sent: 0, failed: 0 });
      expect(smtp.received).toHaveLength(0);
    } finally {
      mailer.close();
    }
  });

  it("an SMTP server not listening, then refusing (4xx, 5xx), then working: retried with backoff, delivered once", async () => {
    await remindSevenDays();
    await annaWithCreditsLeft();
    const app = appOn(database);
    const down = await startSmtp();
    await down.close(); // its port now refuses connections
    const unreachable = smtpMailer(down.port);
    const working = smtpMailer(smtp.port);
    const nextAttempt = async () => (await outboxRows())[0]!;
    try {
      expect(await runJobs(app, unreachable)).toEqual({ queued: 1, sent: 0, failed: 1 });
      let row = await nextAttempt();
      expect(row).toMatchObject({ status: "pending", attempts: 1 });
      expect(row.last_error).toMatch(/ECONNREFUSED|connect/i);
      expect(row.next_attempt_at.getTime() - b.clock.now.epochMilliseconds).toBe(30_000);

      // Not due again before its backoff has passed, whichever server is there.
      b.clock.advance({ seconds: 29 });
      expect(await deliverOutbox(app, working, FROM, b.clock.now)).toEqual({ sent: 0, failed: 0 });

      b.clock.advance({ seconds: 1 });
      smtp.mode = "reject-4xx";
      expect(await deliverOutbox(app, working, FROM, b.clock.now)).toEqual({ sent: 0, failed: 1 });
      row = await nextAttempt();
      expect(row).toMatchObject({ status: "pending", attempts: 2 });
      expect(row.last_error).toMatch(/451/);
      expect(row.next_attempt_at.getTime() - b.clock.now.epochMilliseconds).toBe(60_000);

      b.clock.advance({ seconds: 60 });
      smtp.mode = "reject-5xx";
      expect(await deliverOutbox(app, working, FROM, b.clock.now)).toEqual({ sent: 0, failed: 1 });
      row = await nextAttempt();
      expect(row).toMatchObject({ status: "pending", attempts: 3 });
      expect(row.last_error).toMatch(/554/);
      expect(row.next_attempt_at.getTime() - b.clock.now.epochMilliseconds).toBe(120_000);

      b.clock.advance({ seconds: 119 });
      smtp.mode = "accept";
      expect(await deliverOutbox(app, working, FROM, b.clock.now)).toEqual({ sent: 0, failed: 0 });
      b.clock.advance({ seconds: 1 });
      expect(await deliverOutbox(app, working, FROM, b.clock.now)).toEqual({ sent: 1, failed: 0 });
      expect(await nextAttempt()).toMatchObject({ status: "sent", attempts: 4, last_error: null });
      expect(smtp.refused).toBe(2);
      expect(smtp.received).toHaveLength(1);

      b.clock.advance({ hours: 2 });
      expect(await runJobs(app, working)).toEqual({ queued: 0, sent: 0, failed: 0 });
      expect(smtp.received).toHaveLength(1);
    } finally {
      unreachable.close();
      working.close();
    }
  });

  it("no duplicate after a restart: a new handle on the same database sends nothing new, and delivers what was left queued", async () => {
    await remindSevenDays();
    const anna = await annaWithCreditsLeft();
    const mailer = smtpMailer(smtp.port);
    try {
      expect(await runJobs(appOn(database), mailer)).toEqual({ queued: 1, sent: 1, failed: 0 });
      // A second reminder is queued but the server stops before delivering it.
      const template = await b.template({
        name: "Quick Feet",
        validity: { kind: "days", count: 3 },
        items: [{ itemId: b.items.pedicure, quantity: 1 }],
      });
      await b.sold(template, { customerId: anna.customerId });
      expect(await queueExpiryReminders(appOn(database), b.clock.now)).toBe(1);

      // Restart: close the handle (the embedded database flushes its data folder), open a new one.
      await handles.pop()!.close();
      const restarted = await store.open();
      handles.push(restarted);
      const app = appOn(restarted);
      expect(await runJobs(app, mailer)).toEqual({ queued: 0, sent: 1, failed: 0 });
      expect(await runJobs(app, mailer)).toEqual({ queued: 0, sent: 0, failed: 0 });

      // And once more, an hour later, after another restart.
      await handles.pop()!.close();
      const again = await store.open();
      handles.push(again);
      b.clock.advance({ hours: 1 });
      expect(await runJobs(appOn(again), mailer)).toEqual({ queued: 0, sent: 0, failed: 0 });

      expect(smtp.received.map((m) => m.headers.subject)).toEqual([
        "Your Spring Hands expires on 6 June 2026",
        "Your Quick Feet expires on 4 June 2026",
      ]);
      expect(new Set(smtp.received.map((m) => m.headers["message-id"])).size).toBe(2);
      expect((await outboxRows(again)).map((r) => r.status)).toEqual(["sent", "sent"]);
    } finally {
      mailer.close();
    }
  });

  it("at least once: a send whose outcome was lost goes again with the same Message-ID, and then never again", async () => {
    await remindSevenDays();
    const anna = await annaWithCreditsLeft();
    const app = appOn(database);
    const real = smtpMailer(smtp.port);
    // The SMTP server accepted the message, but the answer never reached Carnet (a dropped
    // connection after "250 OK", a crash before the mark): Carnet must assume it was not sent.
    const lostAnswer: Mailer = {
      async send(m) {
        await real.send(m);
        throw new Error("connection lost after DATA");
      },
      close() {},
    };
    try {
      expect(await runJobs(app, lostAnswer)).toEqual({ queued: 1, sent: 0, failed: 1 });
      b.clock.advance({ seconds: 30 });
      expect(await runJobs(app, real)).toEqual({ queued: 0, sent: 1, failed: 0 });
      b.clock.advance({ hours: 1 });
      expect(await runJobs(app, real)).toEqual({ queued: 0, sent: 0, failed: 0 });
      // The duplicate is recognisable: the same Message-ID twice, derived from the package and date.
      expect(smtp.received.map((m) => m.headers["message-id"])).toEqual([
        expectedMessageId(anna.packageId, "2026-06-06"),
        expectedMessageId(anna.packageId, "2026-06-06"),
      ]);
    } finally {
      real.close();
    }
  });

  it("two workers delivering at the same moment: every message is sent once", async () => {
    await remindSevenDays();
    const template = await b.template({
      name: "10x Yoga",
      validity: { kind: "days", count: 6 },
      items: [{ itemId: b.items.yoga, quantity: 10 }],
    });
    const count = 16;
    for (let i = 0; i < count; i++) {
      await b.sold(template, { customerId: (await customerWith(`Guest ${i}`, `guest${i}@example.test`)).id });
    }
    // Both workers queue at once too: the dedupe key lets one of them win each message.
    const queued = await Promise.all([
      queueExpiryReminders(appOn(database), b.clock.now),
      queueExpiryReminders(appOn(database), b.clock.now),
    ]);
    expect(queued[0] + queued[1]).toBe(count);

    // On PostgreSQL the second worker is a second app on its own connection pool, like a second
    // server process; PGlite is one session in one process, so there the two runs share the handle
    // and interleave statement by statement.
    let second = database;
    if (testBackend() === "postgres") {
      second = await store.open();
      handles.push(second);
    }
    smtp.delayMs = 20; // each SMTP conversation takes a while, so the two runs overlap
    const mailerA = smtpMailer(smtp.port);
    const mailerB = smtpMailer(smtp.port);
    try {
      const [a, c] = await Promise.all([
        deliverOutbox(appOn(database), mailerA, FROM, b.clock.now),
        deliverOutbox(appOn(second), mailerB, FROM, b.clock.now),
      ]);
      expect(a.sent + c.sent).toBe(count);
      expect(a.failed + c.failed).toBe(0);
      if (testBackend() === "postgres") {
        // Both really worked: the race happened.
        expect(a.sent).toBeGreaterThan(0);
        expect(c.sent).toBeGreaterThan(0);
      }
      const ids = smtp.received.map((m) => m.headers["message-id"]);
      expect(ids).toHaveLength(count);
      expect(new Set(ids).size).toBe(count);
      expect(new Set(smtp.received.map((m) => m.envelopeTo[0])).size).toBe(count);
      const rows = await outboxRows();
      expect(rows.every((r) => r.status === "sent" && r.attempts === 1)).toBe(true);
      expect(await deliverOutbox(appOn(second), mailerB, FROM, b.clock.now)).toEqual({ sent: 0, failed: 0 });
    } finally {
      mailerA.close();
      mailerB.close();
    }
  });

  it("without SMTP_HOST each message is appended to the mail log, with its Message-ID", async () => {
    await remindSevenDays();
    const anna = await annaWithCreditsLeft();
    const dir = await mkdtemp(join(tmpdir(), "carnet-mail-log-"));
    try {
      const logFile = join(dir, "mail.log");
      const mailer = createMailer({ from: FROM, logFile });
      expect(await runJobs(appOn(database), mailer)).toEqual({ queued: 1, sent: 1, failed: 0 });
      const lines = (await readFile(logFile, "utf8")).trim().split("\n");
      expect(lines).toHaveLength(1);
      expect(JSON.parse(lines[0]!)).toMatchObject({
        from: FROM,
        to: "anna@example.test",
        subject: "Your Spring Hands expires on 6 June 2026",
        messageId: expectedMessageId(anna.packageId, "2026-06-06"),
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
