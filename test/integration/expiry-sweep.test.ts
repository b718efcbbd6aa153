// The expiry sweep: safe to run twice, and from two connections (two servers) at the same moment.
import { afterAll, beforeAll, expect, it } from "vitest";
import { verifyLedger } from "../../src/app/verify-ledger.js";
import { openDatabase } from "../../src/db/database.js";
import { sweepExpiredPackages } from "../../src/jobs/expiry-sweep.js";
import { type Scenario, scenario } from "../support/scenario.js";
import { testBackend } from "../support/test-db.js";

let s: Scenario;
beforeAll(async () => {
  s = await scenario();
});
afterAll(async () => s.close());

it("writes each expired package's movements once, however many sweeps run at once", async () => {
  const template = await s.template({
    items: [
      { itemId: s.items.yoga, quantity: 4 },
      { itemId: s.items.oil, quantity: 1 },
    ],
    validity: { kind: "days", count: 3 },
  });
  const sold = [];
  for (let i = 0; i < 40; i++) sold.push(await s.sold(template));
  await s.redeem(sold[0]!, 4); // a line with nothing left writes no movement
  s.clock.advance({ hours: 24 * 5 });

  let second = s.database;
  if (testBackend() === "postgres") {
    // A second pool: as another server process would.
    const { sql } = await import("kysely");
    const { rows } = await sql<{ name: string }>`SELECT current_database() AS name`.execute(s.database.db);
    const { serverDatabaseUrl } = await import("../support/test-db.js");
    const url = new URL(serverDatabaseUrl());
    url.pathname = `/${rows[0]!.name}`;
    second = await openDatabase({ databaseUrl: url.toString() });
  }
  const counts = await Promise.all([
    sweepExpiredPackages(s.database.db, s.clock.now, 7),
    sweepExpiredPackages(second.db, s.clock.now, 7),
    sweepExpiredPackages(s.database.db, s.clock.now, 7),
  ]);
  if (second !== s.database) await second.close();
  expect(counts.reduce((a, b) => a + b, 0)).toBe(40);
  expect(await sweepExpiredPackages(s.database.db, s.clock.now)).toBe(0);

  const expires = await s.database.db
    .selectFrom("movements")
    .select(["line_id", "quantity"])
    .where("kind", "=", "expire")
    .execute();
  expect(expires.length).toBe(40 * 2 - 1);
  expect(new Set(expires.map((e) => e.line_id)).size).toBe(expires.length);
  expect(expires.reduce((a, e) => a + e.quantity, 0)).toBe(39 * 5 + 1);
  expect((await verifyLedger(s.database.db)).mismatches).toEqual([]);
});
