// U1, W2: the customer list a page at a time in the order the working location reads names
// (Hungarian in Budapest: Á with A, Cs after C, Ö after O, Sz after S), the same on PostgreSQL and on
// the embedded database; and the balances report (R1) in that order too.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listCustomers } from "../../src/app/manage-customers.js";
import { packageBalances } from "../../src/app/reports.js";
import { type Api, startApi } from "../support/http.js";
import { type Scenario, scenario } from "../support/scenario.js";

const HUNGARIAN_ORDER = [
  "Ábel",
  "Anna",
  "Cecil",
  "Cukor",
  "Csaba",
  "Ede",
  "Éva",
  "Olga",
  "Ödön",
  "Sándor",
  "Szabó",
  "Zoltán",
];

let s: Scenario;
let api: Api;

beforeAll(async () => {
  s = await scenario();
  api = await startApi(s);
  // Added in no order: the list must not depend on when a customer came.
  for (const name of [...HUNGARIAN_ORDER].reverse().sort((a, b) => a.length - b.length))
    await s.customer(name);
});
afterAll(async () => {
  await api.close();
  await s.close();
});

type Page = { items: Array<{ name: string }>; nextCursor: string | null; total: number };

async function everyPage(
  url: (cursor: string | null) => string,
): Promise<{ names: string[]; pages: Page[] }> {
  const pages: Page[] = [];
  let cursor: string | null = null;
  do {
    const res = await api.call("front_desk", "GET", url(cursor));
    expect(res.statusCode, res.body).toBe(200);
    const page = res.json() as Page;
    pages.push(page);
    cursor = page.nextCursor;
  } while (cursor !== null && pages.length < 50);
  return { names: pages.flatMap((p) => p.items.map((c) => c.name)), pages };
}

describe("the customer list in the location's order (U1)", () => {
  it("Budapest reads Hungarian: Ábel, Anna, Cecil, Cukor, Csaba, Ede, Éva, Olga, Ödön, Sándor, Szabó, Zoltán", async () => {
    const res = await api.call("front_desk", "GET", "/api/v1/customers?limit=100");
    expect(res.statusCode, res.body).toBe(200);
    const page = res.json() as Page;
    expect(page.items.map((c) => c.name)).toEqual(HUNGARIAN_ORDER);
    expect(page.total).toBe(12);
    expect(page.nextCursor).toBeNull();
  });

  it("pages of 5 follow one another without a gap or a repeat, each saying how many match in all (W2)", async () => {
    const { names, pages } = await everyPage(
      (cursor) => `/api/v1/customers?limit=5${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`,
    );
    expect(names).toEqual(HUNGARIAN_ORDER);
    expect(pages.map((p) => p.items.length)).toEqual([5, 5, 2]);
    expect(pages.map((p) => p.total)).toEqual([12, 12, 12]);
    expect(pages.at(-1)!.nextCursor).toBeNull();
  });

  it("a search pages and counts its matches only, in the same order", async () => {
    const { names, pages } = await everyPage(
      (cursor) => `/api/v1/customers?q=s&limit=1${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`,
    );
    expect(names).toEqual(["Sándor", "Szabó"]);
    expect(pages[0]!.total).toBe(2);
  });

  it("a customer added after the first page was read shows on a later page, and shifts nothing", async () => {
    const first = (await api.call("front_desk", "GET", "/api/v1/customers?limit=6")).json() as Page;
    expect(first.items.at(-1)!.name).toBe("Ede");
    const late = await s.customer("Ákos");
    try {
      const rest = await everyPage(
        (cursor) => `/api/v1/customers?limit=6&cursor=${encodeURIComponent(cursor ?? first.nextCursor!)}`,
      );
      expect(rest.names).toEqual(HUNGARIAN_ORDER.slice(6));
      expect(rest.pages[0]!.total).toBe(13);
    } finally {
      await s.database.db.deleteFrom("customers").where("id", "=", late).execute();
    }
  });

  it("New York reads the root order of Unicode: Csaba before Cukor, Ödön before Olga", async () => {
    const page = await listCustomers(s.as("front_desk", s.newYork), { q: "", limit: 100 });
    expect(page.items.map((c) => c.name)).toEqual([
      "Ábel",
      "Anna",
      "Cecil",
      "Csaba",
      "Cukor",
      "Ede",
      "Éva",
      "Ödön",
      "Olga",
      "Sándor",
      "Szabó",
      "Zoltán",
    ]);
  });

  it("a cursor that no page gave is refused with 400 naming the field, never a 500", async () => {
    for (const cursor of ["not-a-cursor", Buffer.from('["Anna","x"]').toString("base64url"), "e30"]) {
      const res = await api.call("front_desk", "GET", `/api/v1/customers?cursor=${cursor}`);
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json().error).toMatchObject({ code: "invalid_cursor", field: "cursor" });
    }
  });

  it("the database's order is Node's Intl.Collator('hu') on 600 made-up Hungarian names, page by page", async () => {
    const other = await scenario();
    try {
      const names = madeUpNames(600);
      await other.database.db
        .insertInto("customers")
        .values(names.map((name) => ({ business_id: other.businessId, name })))
        .execute();
      const read: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await listCustomers(other.as("front_desk"), { q: "", limit: 100, cursor });
        read.push(...page.items.map((c) => c.name));
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      expect(read).toEqual([...names].sort(new Intl.Collator("hu").compare));
    } finally {
      await other.close();
    }
  });
});

describe("the balances report in the location's order (R1, U1)", () => {
  it("lists Ábel, Éva, Olga and Ödön as a Budapest desk reads them, not accented names after Z", async () => {
    const t = await s.template({ name: "5x Manicure", items: [{ itemId: s.items.manicure, quantity: 5 }] });
    const ids = Object.fromEntries(
      (await api.call("front_desk", "GET", "/api/v1/customers?limit=100"))
        .json()
        .items.map((c: { id: string; name: string }) => [c.name, c.id]),
    );
    for (const name of ["Ödön", "Zoltán", "Olga", "Éva", "Ábel"]) await s.sold(t, { customerId: ids[name] });
    const report = await packageBalances(s.as("manager"), { status: "all", limit: 100 });
    expect(report.items.map((r) => r.customerName)).toEqual(["Ábel", "Éva", "Olga", "Ödön", "Zoltán"]);
  });
});

/** Names made of Hungarian letters, digraphs, doubled digraphs, capitals, spaces and hyphens. */
function madeUpNames(count: number): string[] {
  const units = [
    ..."aábcdeéfghiíjklmnoóöőprstuúüűvz",
    ..."cs ccs dz ddz dzs ddzs gy ggy ly lly ny nny sz ssz ty tty zs zzs".split(" "),
    ..."Á A Cs CS Cz Dzs É E Gy O Ö Ő Sz U Ü Zs".split(" "),
    " ",
    "-",
  ];
  let seed = 17;
  const next = () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    return seed / 2_147_483_648;
  };
  const names = new Set<string>();
  while (names.size < count) {
    let name = "";
    for (let i = 1 + Math.floor(next() * 6); i > 0; i--) name += units[Math.floor(next() * units.length)];
    if (name.trim() === name && name.length > 0) names.add(name);
  }
  return [...names];
}
