// T1, T7, L7: what a business sees counts its own doings only. Ticket numbers and receipt numbers
// run 1, 2, 3 … in each business, receipts without a gap whatever fails or races; the activity log
// and the ledger's answers carry no global counter, and the log pages by an entry's id.
import { sql } from "kysely";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { closeTicket } from "../../src/app/close-ticket.js";
import { migrate } from "../../src/db/migrate.js";
import { type Api, startApi } from "../support/http.js";
import { addBusiness, type Scenario, scenario } from "../support/scenario.js";
import { databaseBefore } from "../support/test-db.js";

type Business = Omit<Scenario, "database" | "close">;

let s: Scenario;
let other: Business;
let a: Api;
let b: Api;
beforeEach(async () => {
  s = await scenario();
  other = await addBusiness(s.database, s.clock, "Other Salon");
  a = await startApi(s);
  b = await startApi(other);
});
afterEach(async () => {
  await a.close();
  await b.close();
  await s.close();
});

interface TicketAnswer {
  id: string;
  number: number;
  receiptNumber: number | null;
  status: string;
}

const OIL_HUF = 450_000;

async function openTicket(api: Api, customerId?: string): Promise<TicketAnswer> {
  const res = await api.call("front_desk", "POST", "/api/v1/tickets", customerId ? { customerId } : {});
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}

/** An open ticket with one bottle of cuticle oil on it, to be paid. */
async function oilTicket(api: Api, business: Business, customerId?: string): Promise<TicketAnswer> {
  const ticket = await openTicket(api, customerId);
  const res = await api.call("front_desk", "POST", `/api/v1/tickets/${ticket.id}/lines`, {
    itemId: business.items.oil,
  });
  expect(res.statusCode, res.body).toBe(201);
  return ticket;
}

const paidInCash = { payments: [{ tender: "cash", amountMinor: OIL_HUF }] };
const close = (api: Api, ticketId: string, body: unknown = paidInCash) =>
  api.call("front_desk", "POST", `/api/v1/tickets/${ticketId}/close`, body);

async function receiptNumbers(business: Business) {
  const { rows } = await sql<{ receipt_number: number }>`
    SELECT receipt_number FROM tickets
     WHERE business_id = ${business.businessId} AND receipt_number IS NOT NULL
     ORDER BY receipt_number`.execute(s.database.db);
  return rows.map((r) => Number(r.receipt_number));
}

describe("ticket numbers (T1)", () => {
  it("two businesses opening tickets in turn each count 1, 2, 3 …", async () => {
    const numbers = { a: [] as number[], b: [] as number[] };
    for (const who of ["a", "b", "a", "a", "b", "a", "b", "b", "a"] as const) {
      numbers[who].push((await openTicket(who === "a" ? a : b)).number);
    }
    expect(numbers).toEqual({ a: [1, 2, 3, 4, 5], b: [1, 2, 3, 4] });
    const listed = (await b.call("manager", "GET", "/api/v1/tickets")).json() as { items: TicketAnswer[] };
    expect(listed.items.map((t) => t.number).sort()).toEqual([1, 2, 3, 4]);
  });
});

describe("receipt numbers (T7)", () => {
  it("consecutive per business: a refused close, a voided ticket and a rolled-back close leave no gap", async () => {
    const customerId = await s.customer("Kata Bolt");
    const tickets = [];
    for (let i = 0; i < 5; i++) tickets.push(await oilTicket(a, s, customerId));
    const [t1, t2, t3, t4, t5] = tickets as [
      TicketAnswer,
      TicketAnswer,
      TicketAnswer,
      TicketAnswer,
      TicketAnswer,
    ];
    const theirs = await oilTicket(b, other);

    expect((await close(a, t1.id)).json()).toMatchObject({ status: "closed", receiptNumber: 1 });
    // refused: she has no store credit
    const refused = await close(a, t2.id, { payments: [{ tender: "store_credit", amountMinor: OIL_HUF }] });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error.code).toBe("insufficient_store_credit");
    const voided = await a.call("front_desk", "POST", `/api/v1/tickets/${t3.id}/void`, { reason: "mistake" });
    expect(voided.json()).toMatchObject({ status: "voided", receiptNumber: null });
    // closed, then the transaction around it fails: the number goes back with it
    await expect(
      s.database.db.transaction().execute(async (tx) => {
        const closed = await closeTicket(s.as("front_desk"), t4.id, paidInCash as never, tx);
        expect(closed.receiptNumber).toBe(2);
        throw new Error("the receipt printer jammed");
      }),
    ).rejects.toThrow("jammed");
    expect((await close(a, t4.id)).json()).toMatchObject({ status: "closed", receiptNumber: 2 });
    expect((await close(a, t2.id)).json()).toMatchObject({ status: "closed", receiptNumber: 3 });
    expect((await close(b, theirs.id)).json()).toMatchObject({ status: "closed", receiptNumber: 1 });

    expect(await receiptNumbers(s)).toEqual([1, 2, 3]);
    const open = (await a.call("front_desk", "GET", `/api/v1/tickets/${t5.id}`)).json();
    expect(open).toMatchObject({ status: "open", number: 5, receiptNumber: null });
    // a receipt's number is kept by a refund of its lines
    const closedT1 = (await a.call("front_desk", "GET", `/api/v1/tickets/${t1.id}`)).json();
    const refund = await a.call(
      "manager",
      "POST",
      `/api/v1/tickets/${t1.id}/lines/${closedT1.lines[0].id}/refund`,
      { tender: "cash" },
    );
    expect(refund.statusCode, refund.body).toBe(200);
    expect((await a.call("front_desk", "GET", `/api/v1/tickets/${t1.id}`)).json()).toMatchObject({
      receiptNumber: 1,
    });
  });

  it("20 closes racing through the API take receipt numbers 1 to 20 exactly", async () => {
    const tickets = [];
    for (let i = 0; i < 20; i++) tickets.push(await oilTicket(a, s));
    await oilTicket(b, other).then((t) => close(b, t.id));
    const answers = await Promise.all(tickets.map((t) => close(a, t.id)));
    for (const res of answers) expect(res.statusCode, res.body).toBe(200);
    const numbers = answers.map((res) => (res.json() as TicketAnswer).receiptNumber!);
    expect(numbers.sort((x, y) => x - y)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(await receiptNumbers(s)).toEqual(numbers);
    expect(await receiptNumbers(other)).toEqual([1]);
  }, 120_000);
});

describe("numbering the tickets there were before (migration 0013)", () => {
  const MIGRATION = "0013_numbers_per_business.sql";
  const A = "00000000-0000-4000-8000-00000000000a";
  const B = "00000000-0000-4000-8000-00000000000b";

  it("per business in order of opening, receipts in order of closing, and the counters go on from there", async () => {
    const { database, dispose } = await databaseBefore(MIGRATION);
    try {
      const ticket = (business: string, opened: string, status: string, closed: string | null) =>
        `INSERT INTO tickets (business_id, location_id, status, currency, time_zone, opened_by, opened_at, closed_at)
         VALUES ('${business}', '${business.replace(/.$/, "f")}', '${status}', 'HUF', 'Europe/Budapest',
                 gen_random_uuid(), '2026-05-01T${opened}Z', ${closed ? `'2026-05-01T${closed}Z'` : "NULL"});`;
      await database.exec(`
        INSERT INTO businesses (id, name, slug) VALUES ('${A}', 'Salon A', 'salon-a'), ('${B}', 'Salon B', 'salon-b');
        INSERT INTO locations (business_id, id, name, time_zone, currency) VALUES
          ('${A}', '${A.replace(/.$/, "f")}', 'A', 'Europe/Budapest', 'HUF'),
          ('${B}', '${B.replace(/.$/, "f")}', 'B', 'Europe/Budapest', 'HUF');
        ${ticket(A, "10:00:00", "closed", "10:30:00")}
        ${ticket(B, "10:05:00", "voided", null)}
        ${ticket(A, "10:10:00", "closed", "10:20:00")}
        ${ticket(B, "10:15:00", "refunded", "11:00:00")}
        ${ticket(A, "10:10:00", "open", null)}
        ${ticket(B, "09:00:00", "closed", "09:30:00")}`);
      expect(await migrate(database)).toContain(MIGRATION);
      const { rows } = await sql<{
        business: string;
        opened: string;
        number: number;
        receipt: number | null;
      }>`
        SELECT business_id AS business, to_char(opened_at AT TIME ZONE 'UTC', 'HH24:MI') AS opened,
               number, receipt_number AS receipt
          FROM tickets ORDER BY business_id, number`.execute(database.db);
      expect(rows.map((r) => [r.business === A ? "A" : "B", r.opened, Number(r.number), r.receipt])).toEqual([
        ["A", "10:00", 1, 2],
        ["A", "10:10", 2, 1], // the first of the two opened at 10:10
        ["A", "10:10", 3, null],
        ["B", "09:00", 1, 1],
        ["B", "10:05", 2, null],
        ["B", "10:15", 3, 2],
      ]);
      const counters = await sql<{ business_id: string; kind: string; last_number: number }>`
        SELECT business_id, kind, last_number FROM ticket_counters ORDER BY business_id, kind`.execute(
        database.db,
      );
      expect(
        counters.rows.map((c) => [c.business_id === A ? "A" : "B", c.kind, Number(c.last_number)]),
      ).toEqual([
        ["A", "receipt", 2],
        ["A", "ticket", 3],
        ["B", "receipt", 2],
        ["B", "ticket", 3],
      ]);
    } finally {
      await dispose();
    }
  }, 120_000);
});

// -------------------------------------------------------------------------------------------------
// L7: the activity log

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;

/**
 * Answers with each id replaced by the order of its first appearance: what is left is the story.
 * A page's cursor is read as what it carries (W2), so that a counter hidden in it would show.
 */
function shapeOf(answers: string[]): string {
  const seen = new Map<string, string>();
  const cursorsRead = answers
    .join("\n")
    .replace(/"nextCursor":"([\w-]+)"/g, (_, c: string) => Buffer.from(c, "base64url").toString("utf8"));
  return cursorsRead.replace(UUID, (id) => {
    if (!seen.has(id)) seen.set(id, `<id ${seen.size}>`);
    return seen.get(id)!;
  });
}

interface ActivityAnswer {
  id: string;
  action: string;
}

/** Every page of a business's activity log, `limit` entries at a time, as the web app asks for them. */
async function activityPages(api: Api, limit: number, between: () => Promise<void> = async () => {}) {
  const pages: string[] = [];
  let cursor: string | null = null;
  for (;;) {
    const res = await api.call(
      "manager",
      "GET",
      `/api/v1/activity?limit=${limit}${cursor ? `&cursor=${cursor}` : ""}`,
    );
    expect(res.statusCode, res.body).toBe(200);
    pages.push(res.body);
    cursor = (res.json() as { nextCursor: string | null }).nextCursor;
    if (!cursor) return pages;
    await between();
  }
}

describe("the activity log and the ledger's answers (L7)", () => {
  /** A sale and three redemptions in a business, with `meanwhile` after each redemption. */
  async function story(business: Business, api: Api, meanwhile: () => Promise<void>) {
    const template = await business.template({
      name: "10x Manicure",
      items: [{ itemId: business.items.manicure, quantity: 10 }],
    });
    const pkg = await business.sold(template, { customerId: await business.customer("Mira Kis") });
    const answers: string[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await api.call(
        "front_desk",
        "POST",
        `/api/v1/packages/${pkg.packageId}/lines/${pkg.lineId}/redeem`,
        {
          quantity: 1,
        },
      );
      expect(res.statusCode, res.body).toBe(200);
      answers.push(res.body);
      await meanwhile();
    }
    return [...answers, ...(await activityPages(api, 2))];
  }

  it("a business's answers are the same whether another business is busy or idle", async () => {
    const busyNeighbour = await s.sold(
      await s.template({ items: [{ itemId: s.items.manicure, quantity: 100 }] }),
    );
    const third = await addBusiness(s.database, s.clock, "Other Salon");
    const c = await startApi(third);
    try {
      const nextToIdle = await story(third, c, async () => {});
      const nextToBusy = await story(other, b, () => s.redeem(busyNeighbour, 7));
      expect(shapeOf(nextToBusy)).toBe(shapeOf(nextToIdle));
      expect(nextToBusy.join("")).not.toMatch(/"seq"/);
    } finally {
      await c.close();
    }
  });

  it("paging by cursor returns every entry once, while entries are being written", async () => {
    const pkg = await other.sold(
      await other.template({ items: [{ itemId: other.items.manicure, quantity: 50 }] }),
    );
    s.clock.set("2026-06-01T11:00:00.000250Z"); // finer than a JavaScript Date
    for (let i = 0; i < 6; i++) {
      await other.redeem(pkg);
      s.clock.advance({ seconds: 1 });
    }
    await other.redeem(pkg, 4); // four in one instant, split by the first page: their order of writing decides
    const { rows } = await sql<{
      id: string;
    }>`SELECT id FROM activity_log WHERE business_id = ${other.businessId}`.execute(s.database.db);
    const pages = await activityPages(b, 3, async () => {
      s.clock.advance({ seconds: 1 });
      await other.redeem(pkg);
    });
    const seen = pages.flatMap((p) => (JSON.parse(p) as { items: ActivityAnswer[] }).items.map((e) => e.id));
    expect(seen.sort()).toEqual(rows.map((r) => r.id).sort());
  });

  it("a page cannot go on from another business's entry", async () => {
    const template = await s.template({ items: [{ itemId: s.items.manicure, quantity: 5 }] });
    await s.sold(template);
    await s.sold(template);
    const theirs = (await a.call("manager", "GET", "/api/v1/activity?limit=1")).json().nextCursor;
    expect(theirs).toEqual(expect.any(String));
    const res = await b.call("manager", "GET", `/api/v1/activity?cursor=${theirs}`);
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ code: "invalid_cursor", field: "cursor" });
  });
});
