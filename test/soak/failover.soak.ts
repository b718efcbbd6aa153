// X2: the primary dies under load and its synchronous standby is promoted. Carnet is given both
// hosts in one URL (target_session_attrs=read-write) and finds the new primary by itself; while
// there is none it answers 503, never 500. Clients retry each redemption with its Idempotency-Key
// until it is acknowledged. Then, on the new primary: every acknowledged key is there once, the
// line's counter equals them, and `carnet verify` is clean.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "../../src/db/database.js";
import { runCli, type ServerProcess, startServerProcess } from "../support/processes.js";
import { postgresBin, ReplicatedPair } from "../support/replication.js";
import { post, type RedeemPlan, seedRedeemPlan, sleep } from "./support.js";

const CLIENTS = 6;

let pair: ReplicatedPair | undefined;
let server: ServerProcess | undefined;

let plan: RedeemPlan;

beforeAll(async () => {
  if (postgresBin() === null) return;
  pair = await new ReplicatedPair().start();
  const p = pair;
  p.psql(p.primary, "CREATE DATABASE carnet");
  plan = await seedRedeemPlan({ databaseUrl: p.url(p.primary, "carnet") }, "failover", "owner");
}, 120_000);
afterAll(async () => {
  await server?.stop();
  await pair?.stop();
});

describe.skipIf(postgresBin() === null)("failover to a promoted standby (X2)", () => {
  it("reads the reports from the standby (DATABASE_REPLICA_URL) and says how far behind it is", async () => {
    const p = pair!;
    const reads = await startServerProcess({
      DATABASE_URL: p.url(p.primary, "carnet"),
      DATABASE_REPLICA_URL: p.url(p.standby, "carnet"),
    });
    const get = (path: string) =>
      fetch(`${reads.url}${path}`, { headers: { authorization: `Bearer ${plan.token}` } }).then((r) =>
        r.json(),
      );
    const redeemPath = `/api/v1/packages/${plan.packageId}/lines/${plan.lineId}/redeem`;
    const reportedUsed = async () =>
      (
        (await get("/api/v1/reports/balances?status=all")).items as Array<{
          packageId: string;
          lines: Array<{ used: number }>;
        }>
      ).find((r) => r.packageId === plan.packageId)!.lines[0]!.used;
    try {
      expect(await get("/api/v1/reports/source")).toEqual({
        source: "replica",
        lagSeconds: expect.any(Number),
      });
      const start = (await get(`/api/v1/packages/${plan.packageId}`)).lines[0].used as number;
      expect((await post(reads.url, redeemPath, plan.token, { quantity: 1 }, "replica-1")).status).toBe(200);
      for (let i = 0; i < 50 && (await reportedUsed()) !== start + 1; i++) await sleep(100);
      expect(await reportedUsed()).toBe(start + 1);
      // the standby stops replaying: the front desk's own screens (the primary) stay current, the
      // reports show the standby's figures and its lag
      p.psql(p.standby, "SELECT pg_wal_replay_pause()");
      try {
        expect((await post(reads.url, redeemPath, plan.token, { quantity: 1 }, "replica-2")).status).toBe(
          200,
        );
        expect((await get(`/api/v1/packages/${plan.packageId}`)).lines[0].used).toBe(start + 2);
        await sleep(1_200);
        expect(await reportedUsed()).toBe(start + 1);
        const source = await get("/api/v1/reports/source");
        expect(source.source).toBe("replica");
        expect(source.lagSeconds).toBeGreaterThan(0.5);
      } finally {
        p.psql(p.standby, "SELECT pg_wal_replay_resume()");
      }
      for (let i = 0; i < 50 && (await reportedUsed()) !== start + 2; i++) await sleep(100);
      expect(await reportedUsed()).toBe(start + 2);
    } finally {
      await reads.stop();
    }
  });

  it("loses no acknowledged redemption, answers 503 only while there is no primary, and finds the new one", async () => {
    const p = pair!;
    const env = { DATABASE_URL: p.bothUrl("carnet"), CARNET_DB_STATEMENT_TIMEOUT_MS: "3000" };
    server = await startServerProcess(env);

    const path = `/api/v1/packages/${plan.packageId}/lines/${plan.lineId}/redeem`;
    const usedBefore = (
      await fetch(`${server.url}/api/v1/packages/${plan.packageId}`, {
        headers: { authorization: `Bearer ${plan.token}` },
      }).then((r) => r.json())
    ).lines[0].used as number;
    const acknowledged = new Set<string>();
    const statuses: Record<string, number> = {};
    let stop = false;
    const loops = Array.from({ length: CLIENTS }, async (_, c) => {
      for (let i = 0; !stop; i++) {
        const key = `failover-${c}-${i}`;
        // the same key until it is acknowledged, as a client that did not hear back would
        for (let attempt = 0; ; attempt++) {
          const res = await post(server!.url, path, plan.token, { quantity: 1 }, key);
          statuses[String(res.status)] = (statuses[String(res.status)] ?? 0) + 1;
          if (res.status === 200) {
            acknowledged.add(key);
            break;
          }
          if (attempt > 300) throw new Error(`${key}: no acknowledgement after 300 tries`);
          await sleep(100);
        }
      }
    });
    await sleep(2_000);
    const beforeKill = acknowledged.size;
    p.killPrimary();
    await sleep(1_500); // an operator (or a failover manager) notices, then promotes
    p.promoteStandby();
    const promoted = performance.now();
    // redemptions go through the new primary again
    while (acknowledged.size < beforeKill + CLIENTS * 20 && performance.now() - promoted < 60_000)
      await sleep(100);
    const recoveredMs = Math.round(performance.now() - promoted);
    await sleep(1_000);
    stop = true;
    await Promise.all(loops);

    console.log(
      `failover: ${acknowledged.size} acknowledged (${beforeKill} before the kill), answers ${JSON.stringify(statuses)}, redemptions again ${recoveredMs} ms after the promotion`,
    );
    expect(beforeKill).toBeGreaterThan(20);
    expect(acknowledged.size).toBeGreaterThan(beforeKill + CLIENTS * 20 - 1);
    // 200 and 503 only (a refused or lost answer is retried); never a 500
    expect(Object.keys(statuses).filter((s) => s !== "200" && s !== "503" && s !== "no_answer")).toEqual([]);

    const promotedDb = await openDatabase({ databaseUrl: p.url(p.standby, "carnet") });
    try {
      const keys = await promotedDb.db
        .selectFrom("idempotency_keys")
        .select("key")
        .where("key", "like", "failover-%")
        .execute();
      const present = new Set(keys.map((k) => k.key));
      expect([...acknowledged].filter((k) => !present.has(k))).toEqual([]);
      const line = await promotedDb.db
        .selectFrom("package_lines")
        .select("used")
        .where("id", "=", plan.lineId)
        .executeTakeFirstOrThrow();
      // every redemption in the ledger was acknowledged in the end (each key retried until it was)
      expect(line.used).toBe(usedBefore + acknowledged.size);
    } finally {
      await promotedDb.close();
    }
    const verify = await runCli(["verify"], { DATABASE_URL: p.url(p.standby, "carnet") });
    expect(verify.code, verify.stdout + verify.stderr).toBe(0);
  }, 180_000);
});
