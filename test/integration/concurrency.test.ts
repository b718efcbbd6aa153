// L3: two receptionists (here fifty, through two server processes) taking the last credits at once:
// exactly as many succeed as there are credits; the others get a clear 409; the ledger verifies.
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifyLedger } from "../../src/app/verify-ledger.js";
import { type ServerProcess, startServerProcess, tokenForServerProcess } from "../support/processes.js";
import { lineCounters, type Scenario, type Sold, scenario } from "../support/scenario.js";
import { databaseUrlOf, testBackend } from "../support/test-db.js";

describe.runIf(testBackend() === "postgres")("concurrent redemptions on a real PostgreSQL (L3)", () => {
  let s: Scenario;
  let servers: ServerProcess[] = [];
  let pkg: Sold;
  let token: string;

  beforeAll(async () => {
    s = await scenario();
    const url = await databaseUrlOf(s.database);
    servers = await Promise.all([
      startServerProcess({ DATABASE_URL: url }),
      startServerProcess({ DATABASE_URL: url }),
    ]);
    pkg = await s.sold(await s.template({ items: [{ itemId: s.items.manicure, quantity: 10 }] }));
    await s.redeem(pkg, 5);
    token = await tokenForServerProcess(s.app, s.staff.front_desk, "race");
  }, 60_000);

  afterAll(async () => {
    await Promise.all(servers.map((p) => p.stop()));
    await s.close();
  });

  it("50 requests for 5 remaining credits: exactly 5 succeed, 45 get insufficient_credits", async () => {
    const responses = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        fetch(`${servers[i % 2]!.url}/api/v1/packages/${pkg.packageId}/lines/${pkg.lineId}/redeem`, {
          method: "POST",
          headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
          body: JSON.stringify({ quantity: 1 }),
        }).then(async (r) => ({ status: r.status, body: (await r.json()) as { error?: { code: string } } })),
      ),
    );
    const ok = responses.filter((r) => r.status === 200);
    const refused = responses.filter((r) => r.status === 409);
    expect(ok.length).toBe(5);
    expect(refused.length).toBe(45);
    expect(new Set(refused.map((r) => r.body.error?.code))).toEqual(new Set(["insufficient_credits"]));
    expect(await lineCounters(s.database, pkg.lineId)).toMatchObject({ total: 10, used: 10, remaining: 0 });
    expect((await verifyLedger(s.database.db)).mismatches).toEqual([]);
  });

  it("the database itself refuses an over-redeeming write, whatever the application does", async () => {
    await expect(
      sql`UPDATE package_lines SET used = used + 1 WHERE id = ${pkg.lineId}`.execute(s.database.db),
    ).rejects.toThrow(/remaining_non_negative/);
  });
});
