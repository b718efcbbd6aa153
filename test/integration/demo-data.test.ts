// The demo data shows every status and the seed scenarios, relative to the day it is loaded.
import { afterAll, beforeAll, expect, it } from "vitest";
import { systemClock } from "../../src/app/context.js";
import { loadDemoData } from "../../src/app/demo-data.js";
import { loadPackages } from "../../src/app/package-view.js";
import { verifyLedger } from "../../src/app/verify-ledger.js";
import type { Database } from "../../src/db/database.js";
import { createTestDatabase } from "../support/test-db.js";

let database: Database;
beforeAll(async () => {
  database = await createTestDatabase();
}, 60_000);
afterAll(async () => database.close());

it("covers every status and the seed scenarios, and verifies clean", async () => {
  const { businessId } = await loadDemoData({ database, clock: systemClock });
  const packages = await loadPackages(database.db, businessId, {}, systemClock());
  expect(new Set(packages.map((p) => p.status))).toEqual(
    new Set(["active", "fully_used", "expired", "refunded"]),
  );
  const customers = await database.db
    .selectFrom("customers")
    .select(["id", "name"])
    .where("business_id", "=", businessId)
    .execute();
  const of = (name: string) =>
    packages.filter((p) => p.customerId === customers.find((c) => c.name === name)?.id);
  expect(of("Anna Kertész")[0]?.lines[0]).toMatchObject({
    itemName: "Manicure",
    total: 5,
    used: 3,
    remaining: 2,
  });
  expect(of("Bella Fodor").filter((p) => p.status === "active")).toHaveLength(3);
  expect(of("Clara Weiss")[0]?.lines[0]).toMatchObject({ total: 10, remaining: 5 });
  expect(of("Dóra Simon")[0]?.lines[0]).toMatchObject({ total: 15, remaining: 14 });
  expect(packages.some((p) => p.lines.some((l) => l.unlimited))).toBe(true);
  expect(packages.some((p) => p.currency === "USD")).toBe(true);
  expect((await verifyLedger(database.db)).mismatches).toEqual([]);
}, 60_000);
