// Quick redeems that arrive together are written together (src/app/ledger-batcher.ts, issue 7):
// whatever share a statement, each request is answered for itself (L3, L4): its own movement, its
// own refusal, its own replay; the counters equal the ledger (L1).
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { redeemLine } from "../../src/app/redeem-credits.js";
import { verifyLedger } from "../../src/app/verify-ledger.js";
import type { AppError } from "../../src/domain/errors.js";
import { type Api, startApi } from "../support/http.js";
import { lineCounters, type Scenario, type Sold, scenario } from "../support/scenario.js";

describe("quick redeems written together (L3, L4)", () => {
  let s: Scenario;
  let api: Api;

  beforeAll(async () => {
    s = await scenario();
    api = await startApi(s);
  }, 60_000);

  afterAll(async () => {
    await api.close();
    await s.close();
  });

  const redeem = (pkg: Sold, key: string, quantity = 1) =>
    api.call(
      "front_desk",
      "POST",
      `/api/v1/packages/${pkg.packageId}/lines/${pkg.lineId}/redeem`,
      { quantity },
      { "idempotency-key": key },
    );

  async function packagesOf(credits: number, n: number): Promise<Sold[]> {
    const template = await s.template({ items: [{ itemId: s.items.manicure, quantity: credits }] });
    const sold: Sold[] = [];
    for (let i = 0; i < n; i++) sold.push(await s.sold(template));
    return sold;
  }

  /** How many transactions wrote the movements of these lines: fewer than movements when grouped. */
  async function transactionsOf(lineIds: string[]) {
    const { rows } = await sql<{ movements: number; transactions: number }>`
      SELECT count(*)::int AS movements, count(DISTINCT xmin::text)::int AS transactions
        FROM movements WHERE line_id = ANY(${lineIds}::uuid[]) AND kind = 'redeem'`.execute(s.database.db);
    return rows[0]!;
  }

  it("40 redeems at once on 10 packages of 3 credits: written together, 30 taken, 10 refused", async () => {
    const packages = await packagesOf(3, 10);
    // started in one tick, as a burst of requests reaches the write path of a busy server
    const outcomes = await Promise.allSettled(
      Array.from({ length: 40 }, (_, i) =>
        redeemLine(s.as("front_desk"), { lineId: packages[i % 10]!.lineId, quantity: 1 }),
      ),
    );
    const taken = outcomes.flatMap((o) => (o.status === "fulfilled" ? [o.value] : []));
    const refused = outcomes.flatMap((o) => (o.status === "rejected" ? [o.reason as AppError] : []));
    expect(taken.length).toBe(30);
    expect(refused.map((e) => e.code)).toEqual(Array(10).fill("insufficient_credits"));
    outcomes.forEach((o, i) => {
      if (o.status === "fulfilled") expect(o.value.lineId).toBe(packages[i % 10]!.lineId);
    });
    for (const pkg of packages) {
      const used = taken.filter((m) => m.lineId === pkg.lineId).map((m) => m.counters.used);
      expect(used.sort()).toEqual([1, 2, 3]);
      expect(await lineCounters(s.database, pkg.lineId)).toMatchObject({ used: 3, remaining: 0 });
    }
    const written = await transactionsOf(packages.map((p) => p.lineId));
    expect(written.movements).toBe(30);
    expect(written.transactions).toBeLessThan(30);
    expect((await verifyLedger(s.database.db)).mismatches).toEqual([]);
  });

  it("40 keyed requests at once, then each key again: every answer its own, every replay the same bytes", async () => {
    const packages = await packagesOf(3, 10);
    const requests = Array.from({ length: 40 }, (_, i) => ({ pkg: packages[i % 10]!, key: `burst-${i}` }));
    const responses = await Promise.all(requests.map((r) => redeem(r.pkg, r.key)));

    const ok = responses.filter((r) => r.statusCode === 200);
    const refused = responses.filter((r) => r.statusCode === 409);
    expect(ok.length).toBe(30);
    expect(refused.map((r) => r.json().error.code)).toEqual(Array(10).fill("insufficient_credits"));
    responses.forEach((r, i) => {
      if (r.statusCode === 200) expect(r.json().lineId).toBe(requests[i]!.pkg.lineId);
    });
    for (const pkg of packages) {
      expect(await lineCounters(s.database, pkg.lineId)).toMatchObject({ used: 3, remaining: 0 });
    }

    const again = await Promise.all(requests.map((r) => redeem(r.pkg, r.key)));
    again.forEach((r, i) => {
      expect(r.statusCode).toBe(responses[i]!.statusCode);
      expect(r.body).toBe(responses[i]!.body);
    });
    expect((await transactionsOf(packages.map((p) => p.lineId))).movements).toBe(30);
    expect((await verifyLedger(s.database.db)).mismatches).toEqual([]);
  });

  it("a key used before, in a burst with new ones: it replays its answer, the others are written once", async () => {
    const packages = await packagesOf(5, 12);
    const first = await redeem(packages[11]!, "used-before");
    expect(first.statusCode).toBe(200);

    const burst = await Promise.all([
      ...packages.slice(0, 11).map((pkg, i) => redeem(pkg, `fresh-${i}`)),
      redeem(packages[11]!, "used-before"),
      // the same key again with another body: refused, whichever statement it met
      redeem(packages[0]!, "used-before", 2),
    ]);
    for (const r of burst.slice(0, 11)) {
      expect(r.statusCode).toBe(200);
      expect(r.headers["idempotent-replayed"]).toBe("false");
      expect(r.json().counters.used).toBe(1);
    }
    expect(burst[11]!.statusCode).toBe(200);
    expect(burst[11]!.headers["idempotent-replayed"]).toBe("true");
    expect(burst[11]!.body).toBe(first.body);
    expect(burst[12]!.statusCode).toBe(422);
    expect(burst[12]!.json().error.code).toBe("idempotency_key_reused");
    for (const pkg of packages) {
      expect(await lineCounters(s.database, pkg.lineId)).toMatchObject({ used: 1, remaining: 4 });
    }
    expect((await verifyLedger(s.database.db)).mismatches).toEqual([]);
  });

  it("a request the database refuses in a burst (a line of another package) is refused alone", async () => {
    const packages = await packagesOf(5, 8);
    const burst = await Promise.all([
      ...packages.map((pkg, i) => redeem(pkg, `mixed-${i}`)),
      // a line of another package: not found, whatever it was written with
      api.call(
        "front_desk",
        "POST",
        `/api/v1/packages/${packages[0]!.packageId}/lines/${packages[1]!.lineId}/redeem`,
        { quantity: 1 },
        { "idempotency-key": "mixed-wrong-package" },
      ),
    ]);
    expect(burst.slice(0, 8).map((r) => r.statusCode)).toEqual(Array(8).fill(200));
    expect(burst[8]!.statusCode).toBe(404);
    for (const pkg of packages) {
      expect(await lineCounters(s.database, pkg.lineId)).toMatchObject({ used: 1 });
    }
  });
});
