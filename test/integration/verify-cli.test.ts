// L2: `carnet verify` proves every cached counter equals its ledger, and fails naming the package
// when one does not.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "kysely";
import { afterAll, beforeAll, expect, it } from "vitest";
import { refundPackage } from "../../src/app/refund-package.js";
import { type Database, openDatabase } from "../../src/db/database.js";
import { migrate } from "../../src/db/migrate.js";
import { runCli } from "../support/processes.js";
import { addBusiness, FakeClock } from "../support/scenario.js";
import { createTestDatabase, databaseUrlOf, testBackend } from "../support/test-db.js";

let database: Database;
let env: Record<string, string>;
let dataDir: string | undefined;

beforeAll(async () => {
  if (testBackend() === "postgres") {
    database = await createTestDatabase();
    const url = await databaseUrlOf(database);
    env = { DATABASE_URL: url };
  } else {
    // The CLI opens the embedded database from its folder, so this test needs one on disk.
    dataDir = mkdtempSync(join(tmpdir(), "carnet-verify-"));
    database = await openDatabase({ dataDir });
    await migrate(database);
    env = { CARNET_DATA_DIR: dataDir, DATABASE_URL: "" };
  }
}, 60_000);

afterAll(async () => {
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  else await database.close();
});

it("is clean on a consistent ledger and exits 1 naming the package whose cache was corrupted", async () => {
  const s = await addBusiness(database, new FakeClock());
  const pkg = await s.sold(await s.template({ items: [{ itemId: s.items.manicure, quantity: 5 }] }));
  await s.redeem(pkg, 2);
  if (dataDir) await database.close();

  const clean = await runCli(["verify"], env);
  expect(clean.stdout).toMatch(/all counters equal their ledger/);
  expect(clean.stdout).toMatch(/every balance equals its movements, every refund is recorded once/);
  expect(clean.code).toBe(0);

  if (dataDir) database = await openDatabase({ dataDir });
  await sql`UPDATE package_lines SET used = used - 1 WHERE id = ${pkg.lineId}`.execute(database.db);
  if (dataDir) await database.close();

  const corrupted = await runCli(["verify"], env);
  expect(corrupted.code).toBe(1);
  expect(corrupted.stderr).toContain(`MISMATCH package ${pkg.packageId}`);
  expect(corrupted.stdout).toMatch(/1 mismatch/);
}, 60_000);

it("exits 1 naming the customer whose store-credit balance is not the sum of its movements", async () => {
  if (dataDir) database = await openDatabase({ dataDir });
  const s = await addBusiness(database, new FakeClock());
  const pkg = await s.sold(await s.template({ items: [{ itemId: s.items.manicure, quantity: 5 }] }));
  await refundPackage(s.as("manager"), { packageId: pkg.packageId, kind: "store_credit" });
  await sql`UPDATE store_credit_accounts SET balance_minor = balance_minor + 100 WHERE customer_id = ${pkg.customerId}`.execute(
    database.db,
  );
  if (dataDir) await database.close();
  const tampered = await runCli(["verify"], env);
  expect(tampered.code).toBe(1);
  expect(tampered.stderr).toContain(`MONEY store_credit_balance business ${s.businessId} ${pkg.customerId}`);
  expect(tampered.stdout).toMatch(/store credit and refunds: 1 problem/);
}, 60_000);
