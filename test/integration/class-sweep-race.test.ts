// C3 under a race: a class of ~200 attendees paying with package credits ends, and two separate OS
// processes run the end-of-class sweep at the same moment (two servers whose schedulers fire
// together). Every enrolment is consumed exactly once; the exempt ones (C4: no-show, cancelled,
// checked out on a closed ticket) are left as they were; retroactive packages (C5) pay; the ledger
// verifies, also through `carnet verify`. On PGlite, which one process owns, the same roster is
// swept twice in a row instead.
import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import { sql } from "kysely";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  cancelEnrolment,
  checkoutEnrolment,
  createSession,
  enrol,
  markEnrolmentNoShow,
} from "../../src/app/classes.js";
import { closeTicket } from "../../src/app/close-ticket.js";
import { verifyLedger } from "../../src/app/verify-ledger.js";
import { sweepEndedClasses } from "../../src/jobs/class-sweep.js";
import { runCli } from "../support/processes.js";
import { lineCounters, type Scenario, type Sold, scenario } from "../support/scenario.js";
import { databaseUrlOf, testBackend } from "../support/test-db.js";

const RESERVED = 200;
const RETROACTIVE = 5;

let s: Scenario;
beforeEach(async () => {
  s = await scenario();
});
afterEach(async () => {
  await s.close();
});

interface Exempt {
  enrolmentId: string;
  /** the package line it was booked on (cancelling clears it from the enrolment) */
  lineId: string | null;
}

interface Roster {
  sessionId: string;
  reserved: Array<Sold & { enrolmentId: string }>;
  retroactive: Array<Sold & { enrolmentId: string }>;
  /** enrolled without any package: the sweep has nothing to take */
  unpaid: string;
  exempt: Record<"noShow" | "cancelled" | "closedOnPackage" | "closedPaid", Exempt[]>;
}

/** One session, enrolments of every kind, then the clock moves past its end. */
async function endedClassWithFullRoster(): Promise<Roster> {
  const desk = s.as("front_desk");
  const pass = await s.template({
    name: "5-class Yoga pass",
    items: [{ itemId: s.items.yoga, quantity: 5 }],
  });
  const session = await createSession(s.as("manager"), {
    itemId: s.items.yoga,
    instructorId: s.staff.practitioner.staffId,
    startAt: s.clock.now.add({ hours: 2 }).toString(),
    capacity: 300,
  });
  const enrolmentOf = async (customerId: string) => {
    const row = await s.database.db
      .selectFrom("class_enrolments")
      .select("id")
      .where("session_id", "=", session.id)
      .where("customer_id", "=", customerId)
      .where("status", "=", "enrolled")
      .executeTakeFirstOrThrow();
    return row.id;
  };
  const withPackage = async (name: string) => {
    const sold = await s.sold(pass, { customerId: await s.customer(name) });
    await enrol(desk, session.id, { customerId: sold.customerId });
    return { ...sold, enrolmentId: await enrolmentOf(sold.customerId) };
  };

  const reserved = [];
  for (let i = 0; i < RESERVED; i++) reserved.push(await withPackage(`Attendee ${i}`));

  // C5: enrolled with nothing to pay with, the package bought afterwards.
  const retroactive = [];
  for (let i = 0; i < RETROACTIVE; i++) {
    const customerId = await s.customer(`Late buyer ${i}`);
    await enrol(desk, session.id, { customerId });
    const enrolmentId = await enrolmentOf(customerId);
    retroactive.push({ ...(await s.sold(pass, { customerId })), enrolmentId });
  }
  const unpaidCustomer = await s.customer("Pays at the door");
  await enrol(desk, session.id, { customerId: unpaidCustomer });
  const unpaid = await enrolmentOf(unpaidCustomer);

  // C4, exempt from the sweep.
  const noShow = [];
  for (let i = 0; i < 3; i++) {
    const e = await withPackage(`No-show ${i}`);
    await markEnrolmentNoShow(desk, e.enrolmentId);
    noShow.push(e);
  }
  const cancelled = [];
  for (let i = 0; i < 3; i++) {
    const e = await withPackage(`Cancelled ${i}`);
    await cancelEnrolment(desk, e.enrolmentId);
    cancelled.push(e);
  }
  const closedOnPackage = [];
  for (let i = 0; i < 2; i++) {
    const e = await withPackage(`Checked out ${i}`);
    const { ticketId } = await checkoutEnrolment(desk, e.enrolmentId);
    await closeTicket(desk, ticketId, { payments: [] });
    closedOnPackage.push(e);
  }
  const payingCustomer = await s.customer("Paid in cash");
  await enrol(desk, session.id, { customerId: payingCustomer });
  const paid = await enrolmentOf(payingCustomer);
  const { ticketId } = await checkoutEnrolment(desk, paid);
  await closeTicket(desk, ticketId, { payments: [{ tender: "cash", amountMinor: 400_000 }] });

  s.clock.advance({ hours: 4 }); // the class (1 hour by default) has ended
  return {
    sessionId: session.id,
    reserved,
    retroactive,
    unpaid,
    exempt: { noShow, cancelled, closedOnPackage, closedPaid: [{ enrolmentId: paid, lineId: null }] },
  };
}

/** Everything the sweep must not change about the exempt enrolments: their rows, lines and movements. */
async function exemptState(roster: Roster) {
  const exempt = Object.values(roster.exempt).flat();
  const ids = exempt.map((e) => e.enrolmentId);
  const enrolments = await s.database.db
    .selectFrom("class_enrolments")
    .select([
      "id",
      "status",
      "swept_at",
      "consumed_movement_id",
      "review",
      "reservation_id",
      "package_line_id",
    ])
    .where("id", "in", ids)
    .orderBy("id")
    .execute();
  const lineIds = exempt.flatMap((e) => (e.lineId ? [e.lineId] : []));
  const lines = await s.database.db
    .selectFrom("package_lines")
    .select(["id", "total", "used", "booked"])
    .where("id", "in", lineIds)
    .orderBy("id")
    .execute();
  const movements = await s.database.db
    .selectFrom("movements")
    .select(["id", "kind", "line_id"])
    .where("line_id", "in", lineIds)
    .orderBy("id")
    .execute();
  return { enrolments, lines, movements };
}

/** The sweep's effects: every attendee who should pay, paid exactly once. */
async function expectEachConsumedOnce(roster: Roster) {
  const paying = [...roster.reserved, ...roster.retroactive];
  const perEnrolment = await sql<{ class_enrolment_id: string; kind: string; n: number }>`
    SELECT class_enrolment_id, kind, count(*)::int AS n FROM movements
     WHERE class_enrolment_id IS NOT NULL AND kind IN ('consume', 'redeem')
     GROUP BY class_enrolment_id, kind`.execute(s.database.db);
  const byEnrolment = new Map(perEnrolment.rows.map((r) => [r.class_enrolment_id, r]));
  for (const p of roster.reserved)
    expect(byEnrolment.get(p.enrolmentId)).toMatchObject({ kind: "consume", n: 1 });
  for (const p of roster.retroactive)
    expect(byEnrolment.get(p.enrolmentId)).toMatchObject({ kind: "redeem", n: 1 });
  expect(byEnrolment.has(roster.unpaid)).toBe(false);
  for (const p of paying) {
    expect(await lineCounters(s.database, p.lineId)).toMatchObject({ total: 5, used: 1, booked: 0 });
  }
  const swept = await s.database.db
    .selectFrom("class_enrolments")
    .select(["id", "swept_at", "consumed_movement_id"])
    .where("session_id", "=", roster.sessionId)
    .where("id", "in", [...paying.map((p) => p.enrolmentId), roster.unpaid])
    .execute();
  expect(swept).toHaveLength(paying.length + 1);
  for (const e of swept) {
    expect(e.swept_at).not.toBeNull();
    expect(e.consumed_movement_id === null).toBe(e.id === roster.unpaid);
  }
  expect((await verifyLedger(s.database.db)).mismatches).toEqual([]);
}

/** The exempt enrolments are what C4 says, before and after: the snapshot comparison alone could pass on nothing. */
async function expectExemptAsSeeded(roster: Roster) {
  const { enrolments, lines } = await exemptState(roster);
  const lineOf = (x: Exempt) => {
    const e = enrolments.find((row) => row.id === x.enrolmentId)!;
    const l = lines.find((row) => row.id === x.lineId);
    return { ...e, line: l ? { used: l.used, booked: l.booked } : null };
  };
  for (const id of roster.exempt.noShow)
    expect(lineOf(id)).toMatchObject({ status: "no_show", review: "pending", line: { used: 0, booked: 1 } });
  for (const id of roster.exempt.cancelled)
    expect(lineOf(id)).toMatchObject({ status: "cancelled", line: { used: 0, booked: 0 } });
  for (const id of roster.exempt.closedOnPackage)
    expect(lineOf(id)).toMatchObject({ status: "enrolled", line: { used: 1, booked: 0 } });
  for (const id of roster.exempt.closedPaid)
    expect(lineOf(id)).toMatchObject({ status: "enrolled", consumed_movement_id: null, line: null });
}

// ---------------------------------------------------------------------------------------------
// A sweep in its own OS process, held at a barrier until the test says go.

interface SweepProcess {
  child: ChildProcess;
  ready: Promise<void>;
  result: Promise<{ used: number; startedAt: number; endedAt: number }>;
  go(): void;
}

const ROOT = join(import.meta.dirname, "..", "..");
const WORKER = `
const { openDatabase } = await import(process.env.SWEEP_DATABASE_MODULE);
const { sweepEndedClasses } = await import(process.env.SWEEP_MODULE);
const { Temporal } = await import("temporal-polyfill");
const now = Temporal.Instant.from(process.env.SWEEP_NOW);
const database = await openDatabase({ databaseUrl: process.env.DATABASE_URL, poolSize: 2 });
await database.db.selectFrom("businesses").select("id").limit(1).execute();
process.stdout.write("ready\\n");
await new Promise((resolve) => process.stdin.once("data", resolve));
const startedAt = Date.now();
const used = await sweepEndedClasses({ database, clock: () => now }, now, Number(process.env.SWEEP_BATCH));
const endedAt = Date.now();
process.stdout.write(JSON.stringify({ used, startedAt, endedAt }) + "\\n");
await database.close();
`;

function sweepProcess(databaseUrl: string, now: string, batch: number): SweepProcess {
  const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", WORKER], {
    cwd: ROOT,
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      SWEEP_NOW: now,
      SWEEP_BATCH: String(batch),
      SWEEP_MODULE: join(ROOT, "src", "jobs", "class-sweep.ts"),
      SWEEP_DATABASE_MODULE: join(ROOT, "src", "db", "database.ts"),
    },
    stdio: ["pipe", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  child.stderr?.on("data", (d) => (err += d));
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout?.on("data", (d) => {
      out += d;
      if (out.includes("ready\n")) resolve();
    });
    child.once("exit", (code) =>
      reject(new Error(`sweep process exited with ${code} before ready:\n${err}`)),
    );
  });
  const result = new Promise<{ used: number; startedAt: number; endedAt: number }>((resolve, reject) => {
    child.once("exit", (code) => {
      const last = out.trim().split("\n").at(-1) ?? "";
      if (code === 0 && last.startsWith("{")) resolve(JSON.parse(last));
      else reject(new Error(`sweep process exited with ${code}:\n${out}\n${err}`));
    });
  });
  return { child, ready, result, go: () => child.stdin?.end("go\n") };
}

// Building 215 enrolments through the use cases takes a while on a shared two-core machine.
describe("the end-of-class sweep under a race (C3, C4, C5)", { timeout: 300_000 }, () => {
  it.runIf(testBackend() === "postgres")(
    "two OS processes sweep a 200-attendee class at the same moment: each enrolment consumed exactly once",
    async () => {
      const roster = await endedClassWithFullRoster();
      await expectExemptAsSeeded(roster);
      await expectExemptAsSeeded(roster);
      const before = await exemptState(roster);
      const url = await databaseUrlOf(s.database);

      // Batches of 20, so that the two processes take turns claiming through the roster.
      const workers = [0, 1].map(() => sweepProcess(url, s.clock.now.toString(), 20));
      try {
        await Promise.all(workers.map((w) => w.ready));
        for (const w of workers) w.go();
        const [a, b] = await Promise.all(workers.map((w) => w.result));
        // The two sweeps really ran at the same time.
        expect(a!.startedAt).toBeLessThan(b!.endedAt);
        expect(b!.startedAt).toBeLessThan(a!.endedAt);
        expect(a!.used + b!.used).toBe(RESERVED + RETROACTIVE);
        console.log(
          `class sweep race: ${a!.used} + ${b!.used} enrolments, ${a!.endedAt - a!.startedAt} ms and ${b!.endedAt - b!.startedAt} ms`,
        );
      } finally {
        for (const w of workers) w.child.kill();
      }

      await expectEachConsumedOnce(roster);
      expect(await exemptState(roster)).toEqual(before);
      // A later turn of either scheduler finds nothing left.
      expect(await sweepEndedClasses(s.app, s.clock.now)).toBe(0);
      const cli = await runCli(["verify"], { DATABASE_URL: url });
      expect({ code: cli.code, stderr: cli.stderr }).toEqual({ code: 0, stderr: "" });
      expect(cli.stdout).toContain(
        `verified ${RESERVED + RETROACTIVE + 8} package lines: all counters equal their ledger`,
      );
    },
  );

  it("swept twice in a row (one server, or a restart mid-way): each enrolment consumed exactly once", async () => {
    const roster = await endedClassWithFullRoster();
    await expectExemptAsSeeded(roster);
    const before = await exemptState(roster);
    expect(await sweepEndedClasses(s.app, s.clock.now, 50)).toBe(RESERVED + RETROACTIVE);
    expect(await sweepEndedClasses(s.app, s.clock.now, 50)).toBe(0);
    s.clock.advance({ hours: 1 });
    expect(await sweepEndedClasses(s.app, s.clock.now)).toBe(0);
    await expectEachConsumedOnce(roster);
    expect(await exemptState(roster)).toEqual(before);
  });
});
