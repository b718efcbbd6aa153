// O4, T10: commission rates per staff member and item category, frozen on each line when its ticket
// closes; the report shows base, rate and amount per line and totals per staff member. Through the
// real server, on both databases.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type Api, startApi } from "../support/http.js";
import { expectPageRefusals } from "../support/pages.js";
import { addBusiness, rowCounts, type Scenario, scenario } from "../support/scenario.js";

let s: Scenario;
let api: Api;
beforeEach(async () => {
  s = await scenario();
  api = await startApi(s);
});
afterEach(async () => {
  await api.close();
  await s.close();
});

async function ok<T = Record<string, unknown>>(
  role: Parameters<Api["call"]>[0],
  method: Parameters<Api["call"]>[1],
  url: string,
  body?: unknown,
): Promise<T> {
  const res = await api.call(role, method, url, body);
  if (res.statusCode >= 300) throw new Error(`${method} ${url}: ${res.statusCode} ${res.body}`);
  return res.json() as T;
}

interface Report {
  totals: Array<{
    staffId: string;
    staffName: string;
    currency: string;
    lines: number;
    coveredLines: number;
    linesWithoutRate: number;
    baseMinor: number;
    amountMinor: number;
  }>;
  items: Array<{
    lineId: string;
    name: string;
    staffId: string;
    category: string | null;
    baseMinor: number;
    rateBp: number | null;
    amountMinor: number | null;
    covered: boolean;
  }>;
  nextCursor: string | null;
}

const report = (query = "") =>
  ok<Report>(
    "manager",
    "GET",
    `/api/v1/reports/commissions?from=2026-01-01T00:00:00Z&to=2027-01-01T00:00:00Z${query}`,
  );

const rate = (staffId: string, rateBp: number, category: string | null = null) =>
  ok<{ id: string; category: string | null; rateBp: number }>("owner", "POST", "/api/v1/commission-rates", {
    staffId,
    category,
    rateBp,
  });

/** A ticket for the customer with these lines, each done by a staff member, closed and paid in cash. */
async function closedTicket(lines: Array<{ itemId: string; staffId: string }>, customerId?: string) {
  const ticket = await ok<{ id: string }>(
    "front_desk",
    "POST",
    "/api/v1/tickets",
    customerId ? { customerId } : {},
  );
  let due = 0;
  for (const line of lines) {
    const t = await ok<{ totals: { dueMinor: number } }>(
      "front_desk",
      "POST",
      `/api/v1/tickets/${ticket.id}/lines`,
      line,
    );
    due = t.totals.dueMinor;
  }
  return ok<{ lines: Array<{ commissionMinor: number | null }> }>(
    "front_desk",
    "POST",
    `/api/v1/tickets/${ticket.id}/close`,
    { payments: due > 0 ? [{ tender: "cash", amountMinor: due }] : [] },
  );
}

describe("commission rates (O4)", () => {
  it("a rate per staff member, a rate per category above it: the report shows base, rate and amount per line and totals", async () => {
    const practitioner = s.staff.practitioner.staffId;
    const manager = s.staff.manager.staffId;
    await ok("manager", "PATCH", `/api/v1/items/${s.items.manicure}`, { category: "Nails" });
    await ok("manager", "PATCH", `/api/v1/items/${s.items.oil}`, { category: "Retail" });
    await ok("manager", "PATCH", `/api/v1/items/${s.items.facial}`, { category: "Face" });
    await rate(practitioner, 1_000);
    expect((await rate(practitioner, 1_500, "nails")).category).toBe("Nails");
    await rate(practitioner, 1_250, "Face");
    await rate(manager, 1_250);

    await closedTicket([
      { itemId: s.items.manicure, staffId: practitioner },
      { itemId: s.items.pedicure, staffId: practitioner },
      { itemId: s.items.oil, staffId: practitioner },
      { itemId: s.items.facial, staffId: manager },
    ]);
    // T10's package-price basis: 10,000 over 3 facials is 3,333 / 3,333 / 3,334; at 12.5 % each is 417.
    const template = await s.template({
      items: [{ itemId: s.items.facial, quantity: 3 }],
      prices: { HUF: 10_000 },
      commissionBasis: "package_price_per_credit",
    });
    const pkg = await s.sold(template);
    for (let i = 0; i < 3; i++)
      await closedTicket([{ itemId: s.items.facial, staffId: practitioner }], pkg.customerId);

    const r = await report();
    expect(
      r.items.map(({ name, category, baseMinor, rateBp, amountMinor, covered }) => ({
        name,
        category,
        baseMinor,
        rateBp,
        amountMinor,
        covered,
      })),
    ).toEqual([
      {
        name: "Facial",
        category: "Face",
        baseMinor: 2_200_000,
        rateBp: 1_250,
        amountMinor: 275_000,
        covered: false,
      },
      {
        name: "Manicure",
        category: "Nails",
        baseMinor: 1_200_000,
        rateBp: 1_500,
        amountMinor: 180_000,
        covered: false,
      },
      {
        name: "Pedicure",
        category: null,
        baseMinor: 1_500_000,
        rateBp: 1_000,
        amountMinor: 150_000,
        covered: false,
      },
      {
        name: "Cuticle oil",
        category: "Retail",
        baseMinor: 450_000,
        rateBp: 1_000,
        amountMinor: 45_000,
        covered: false,
      },
      { name: "Facial", category: "Face", baseMinor: 3_333, rateBp: 1_250, amountMinor: 417, covered: true },
      { name: "Facial", category: "Face", baseMinor: 3_333, rateBp: 1_250, amountMinor: 417, covered: true },
      { name: "Facial", category: "Face", baseMinor: 3_334, rateBp: 1_250, amountMinor: 417, covered: true },
    ]);
    expect(r.totals).toEqual([
      {
        staffId: manager,
        staffName: "manager of Salon",
        currency: "HUF",
        lines: 1,
        coveredLines: 0,
        linesWithoutRate: 0,
        baseMinor: 2_200_000,
        amountMinor: 275_000,
      },
      {
        staffId: practitioner,
        staffName: "practitioner of Salon",
        currency: "HUF",
        lines: 6,
        coveredLines: 3,
        linesWithoutRate: 0,
        baseMinor: 1_200_000 + 1_500_000 + 450_000 + 10_000,
        amountMinor: 180_000 + 150_000 + 45_000 + 3 * 417,
      },
    ]);
    expect(r.nextCursor).toBeNull();
    const mine = await report(`&staffId=${manager}&limit=1`);
    expect(mine.items).toHaveLength(1);
    expect(mine.totals.map((t) => t.staffId)).toEqual([manager]);
  });

  it("the rate is frozen when the ticket closes: a later change or removal rewrites nothing; lines closed before any rate owe nothing", async () => {
    const practitioner = s.staff.practitioner.staffId;
    const manicure = { itemId: s.items.manicure, staffId: practitioner };
    await closedTicket([manicure]);
    const first = await rate(practitioner, 1_000);
    await closedTicket([manicure]);
    await rate(practitioner, 2_000);
    await closedTicket([manicure]);
    await ok("owner", "DELETE", `/api/v1/commission-rates/${first.id}`);
    await closedTicket([manicure]);

    const r = await report();
    expect(r.items.map((l) => [l.rateBp, l.amountMinor])).toEqual([
      [null, null],
      [1_000, 120_000],
      [2_000, 240_000],
      [null, null],
    ]);
    expect(r.totals[0]).toMatchObject({
      lines: 4,
      linesWithoutRate: 2,
      baseMinor: 4_800_000,
      amountMinor: 360_000,
    });

    const { items: set } = await ok<{ items: Array<{ staffId: string; details: Record<string, unknown> }> }>(
      "owner",
      "GET",
      "/api/v1/activity?action=set_commission_rate",
    );
    expect(set.map((e) => e.details.changes)).toEqual([
      { rateBp: { from: 1_000, to: 2_000 } },
      { rateBp: { from: null, to: 1_000 } },
    ]);
    expect(set[0]).toMatchObject({
      staffId: s.staff.owner.staffId,
      details: { staffId: practitioner, staffName: "practitioner of Salon", category: null },
    });
    const [removed] = (
      await ok<{ items: Array<{ details: Record<string, unknown> }> }>(
        "owner",
        "GET",
        "/api/v1/activity?action=remove_commission_rate",
      )
    ).items;
    expect(removed!.details).toMatchObject({ changes: { rateBp: { from: 2_000, to: null } } });
  });

  it("a refunded line owes nothing and leaves the report", async () => {
    const practitioner = s.staff.practitioner.staffId;
    await rate(practitioner, 1_000);
    const closed = await closedTicket([
      { itemId: s.items.manicure, staffId: practitioner },
      { itemId: s.items.pedicure, staffId: practitioner },
    ]);
    const ticket = closed as unknown as { id: string; lines: Array<{ id: string }> };
    await ok("manager", "POST", `/api/v1/tickets/${ticket.id}/lines/${ticket.lines[0]!.id}/refund`, {});
    const r = await report();
    expect(r.items.map((l) => l.name)).toEqual(["Pedicure"]);
    expect(r.totals[0]).toMatchObject({ amountMinor: 150_000 });
  });

  it("only the owner sets rates; managers read them; bad rates, categories and other businesses' staff are refused and write nothing", async () => {
    const practitioner = s.staff.practitioner.staffId;
    const other = await addBusiness(s.database, s.clock, "Other");
    const before = await rowCounts(s.database);
    const asManager = await api.call("manager", "POST", "/api/v1/commission-rates", {
      staffId: practitioner,
      rateBp: 1,
    });
    expect(asManager.statusCode).toBe(403);
    for (const [body, field] of [
      [{ staffId: practitioner, rateBp: 10_001 }, "rateBp"],
      [{ staffId: practitioner, rateBp: 12.5 }, "rateBp"],
      [{ staffId: practitioner, rateBp: -1 }, "rateBp"],
      [{ staffId: practitioner, rateBp: 100, category: "Nails\u200b" }, "category"],
    ] as const) {
      const res = await api.call("owner", "POST", "/api/v1/commission-rates", body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(res.json().error.field).toBe(field);
    }
    const foreign = await api.call("owner", "POST", "/api/v1/commission-rates", {
      staffId: other.staff.practitioner.staffId,
      rateBp: 1_000,
    });
    expect(foreign.statusCode).toBe(404);
    expect(foreign.json().error).toMatchObject({ code: "staff_not_found", field: "staffId" });
    expect(await rowCounts(s.database)).toEqual(before);

    await rate(practitioner, 1_000, "Nails");
    const again = await rate(practitioner, 1_100, "NAILS");
    const listed = await ok<Array<{ id: string; rateBp: number; category: string }>>(
      "manager",
      "GET",
      "/api/v1/commission-rates",
    );
    expect(listed).toEqual([expect.objectContaining({ id: again.id, rateBp: 1_100, category: "Nails" })]);
    expect((await api.call("front_desk", "GET", "/api/v1/commission-rates")).statusCode).toBe(403);
  });
});

describe("the commission report a page at a time (W2)", () => {
  const pagesOf = async (query: string, cursor: string | null = null) => {
    const pages: Report[] = [];
    do {
      pages.push(await report(`${query}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`));
      cursor = pages.at(-1)!.nextCursor;
    } while (cursor !== null && pages.length < 100);
    return pages;
  };

  it("lines by staff member, close, ticket and line: 50 unless asked, the same totals on every page, a line closed meanwhile before the cursor shifts nothing", async () => {
    const practitioner = s.staff.practitioner.staffId;
    const manager = s.staff.manager.staffId;
    await rate(practitioner, 1_000);
    await rate(manager, 1_250);
    // 18 tickets of 3 lines, closed two to a minute: 54 lines, 18 of them the manager's.
    for (let i = 0; i < 18; i++) {
      if (i % 2 === 0) s.clock.advance({ minutes: 1 });
      await closedTicket([
        { itemId: s.items.manicure, staffId: practitioner },
        { itemId: s.items.oil, staffId: manager },
        { itemId: s.items.pedicure, staffId: practitioner },
      ]);
    }
    const whole = await report("&limit=200");
    expect(whole.nextCursor).toBeNull();
    const inOrder = whole.items.map((l) => l.lineId);
    expect(inOrder).toHaveLength(54);
    expect(whole.items.slice(0, 18).every((l) => l.staffId === manager)).toBe(true);
    expect(whole.items.slice(18).map((l) => l.name)).toEqual(
      Array.from({ length: 18 }, () => ["Manicure", "Pedicure"]).flat(),
    );

    const byDefault = await pagesOf("");
    expect(byDefault.map((p) => p.items.length)).toEqual([50, 4]);
    expect(byDefault.flatMap((p) => p.items.map((l) => l.lineId))).toEqual(inOrder);

    const bySeven = await pagesOf("&limit=7");
    expect(bySeven.map((p) => p.items.length)).toEqual([7, 7, 7, 7, 7, 7, 7, 5]);
    expect(bySeven.flatMap((p) => p.items.map((l) => l.lineId))).toEqual(inOrder);
    for (const page of bySeven) expect(page.totals).toEqual(whole.totals);
    expect(whole.totals.map((t) => [t.staffId, t.lines])).toEqual([
      [manager, 18],
      [practitioner, 36],
    ]);

    // After three pages the cursor is among the practitioner's lines; a manager's line closed now
    // sorts before it: the later pages neither repeat nor skip a line, the totals count it.
    const [first, second, third] = bySeven;
    expect(third!.items.at(-1)!.staffId).toBe(practitioner);
    await closedTicket([{ itemId: s.items.facial, staffId: manager }]);
    const rest = await pagesOf("&limit=7", third!.nextCursor);
    expect(rest.flatMap((p) => p.items.map((l) => l.lineId))).toEqual(inOrder.slice(21));
    expect(rest[0]!.totals.map((t) => [t.staffId, t.lines])).toEqual([
      [manager, 19],
      [practitioner, 36],
    ]);
    expect([first, second].flatMap((p) => p!.items)).toHaveLength(14);

    // A staff member's lines page too.
    const mine = await pagesOf(`&staffId=${manager}&limit=10`);
    expect(mine.map((p) => p.items.length)).toEqual([10, 9]);
    expect(mine.flatMap((p) => p.items.map((l) => l.name)).at(-1)).toBe("Facial");
  });

  it("limit is 1 to 200 and a cursor must be one this report gave: else 400 naming the field; offset is gone", async () => {
    // a ticket list's cursor is not this report's
    await expectPageRefusals(
      api,
      "manager",
      "/api/v1/reports/commissions?from=2026-01-01T00:00:00Z&to=2027-01-01T00:00:00Z",
      [["2026-06-01T10:00:00.000Z", s.staff.manager.staffId]],
    );
    const offset = await api.call(
      "manager",
      "GET",
      "/api/v1/reports/commissions?from=2026-01-01T00:00:00Z&to=2027-01-01T00:00:00Z&offset=10",
    );
    expect(offset.statusCode).toBe(400);
    expect(JSON.stringify(offset.json().error)).toMatch(/offset/);
  });
});
