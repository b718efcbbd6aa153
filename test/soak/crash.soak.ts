// L1, L3, L4 after a crash: clients redeem with Idempotency-Keys while the server is killed with
// SIGKILL mid-load; the server is started again on the same database and the clients retry every
// key whose answer they did not get (and, to prove replay, every key they did). Then: every
// redemption a client saw acknowledged is in the ledger, none is there twice, the retries of
// acknowledged keys answer byte for byte what the client was first told, and `carnet verify` is
// clean. On PostgreSQL, and on the embedded database (PGlite) in a folder.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCli, type ServerProcess, startServerProcess } from "../support/processes.js";
import { scenario } from "../support/scenario.js";
import {
  databaseUrlOf,
  type Outcome,
  post,
  type RedeemPlan,
  scenarioRedeemPlan,
  seedRedeemPlan,
  sleep,
} from "./support.js";

type Plan = RedeemPlan;

interface CrashResult {
  acknowledged: Map<string, Outcome>;
  unanswered: string[];
  otherStatuses: Outcome[];
}

/** `clients` loops redeem one credit each with fresh keys until the server dies under them. */
async function loadUntilKilled(
  server: ServerProcess,
  plan: Plan,
  clients: number,
  killAfterMs: number,
): Promise<CrashResult> {
  const acknowledged = new Map<string, Outcome>();
  const unanswered: string[] = [];
  const otherStatuses: Outcome[] = [];
  const path = `/api/v1/packages/${plan.packageId}/lines/${plan.lineId}/redeem`;
  let killed = false;
  const loops = Array.from({ length: clients }, async (_, c) => {
    for (let i = 0; i < 100_000 && !killed; i++) {
      const key = `crash-${c}-${i}`;
      const res = await post(server.url, path, plan.token, { quantity: 1 }, key);
      if (res.status === 200) acknowledged.set(key, res);
      else if (res.status === "no_answer") {
        unanswered.push(key);
        return;
      } else otherStatuses.push(res);
    }
  });
  await sleep(killAfterMs);
  killed = true;
  await server.stop("SIGKILL");
  await Promise.all(loops);
  return { acknowledged, unanswered, otherStatuses };
}

async function retryAll(url: string, plan: Plan, result: CrashResult) {
  const path = `/api/v1/packages/${plan.packageId}/lines/${plan.lineId}/redeem`;
  const keys = [...result.acknowledged.keys(), ...result.unanswered];
  const answers = new Map<string, Outcome>();
  for (let i = 0; i < keys.length; i += 16) {
    const batch = keys.slice(i, i + 16);
    const res = await Promise.all(batch.map((k) => post(url, path, plan.token, { quantity: 1 }, k)));
    for (const [j, k] of batch.entries()) answers.set(k, res[j]!);
  }
  return answers;
}

function checkRetries(result: CrashResult, answers: Map<string, Outcome>) {
  expect(result.otherStatuses.map((o) => `${o.status} ${o.body}`)).toEqual([]);
  for (const [key, first] of result.acknowledged) {
    expect(answers.get(key)?.status, `${key}: ${answers.get(key)?.body}`).toBe(200);
    expect(answers.get(key)?.body, key).toBe(first.body);
  }
  for (const key of result.unanswered)
    expect(answers.get(key)?.status, `${key}: ${answers.get(key)?.body}`).toBe(200);
  const movementIds = new Set([...answers.values()].map((a) => JSON.parse(a.body).id as string));
  expect(movementIds.size).toBe(answers.size);
  return movementIds;
}

describe("kill -9 mid-load on PostgreSQL", () => {
  it("keeps every acknowledged redemption, none twice after retries, verify clean", async () => {
    const s = await scenario();
    try {
      const plan = await scenarioRedeemPlan(s, "crash");
      const env = { DATABASE_URL: await databaseUrlOf(s.database) };
      const first = await startServerProcess(env);
      const result = await loadUntilKilled(first, plan, 16, 2_000);
      console.log(
        `PostgreSQL crash: ${result.acknowledged.size} acknowledged, ${result.unanswered.length} unanswered at the kill`,
      );
      expect(result.acknowledged.size).toBeGreaterThan(50);
      expect(result.unanswered.length).toBeGreaterThan(0);

      const second = await startServerProcess(env);
      try {
        const answers = await retryAll(second.url, plan, result);
        if ([...answers.values()].some((a) => a.status !== 200)) console.log(second.output().slice(-4000));
        const movementIds = checkRetries(result, answers);
        const rows = await s.database.db
          .selectFrom("movements")
          .select("id")
          .where("line_id", "=", plan.lineId)
          .where("kind", "=", "redeem")
          .execute();
        expect(new Set(rows.map((r) => r.id))).toEqual(movementIds);
        const line = await s.database.db
          .selectFrom("package_lines")
          .select(["used", "booked"])
          .where("id", "=", plan.lineId)
          .executeTakeFirstOrThrow();
        expect(line).toEqual({ used: answers.size, booked: 0 });
      } finally {
        await second.stop();
      }
      const verify = await runCli(["verify"], env);
      expect(verify.code, verify.stdout + verify.stderr).toBe(0);
    } finally {
      await s.close();
    }
  });
});

describe("kill -9 mid-load on the embedded database (PGlite in a folder)", () => {
  const dir = mkdtempSync(join(tmpdir(), "carnet-crash-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("reopens the folder; acknowledged redemptions survive, none twice after retries, verify clean", async () => {
    const dataDir = join(dir, "data");
    const plan = await seedRedeemPlan({ dataDir }, "crash");
    const env = { CARNET_DATA_DIR: dataDir, DATABASE_URL: "" };
    const first = await startServerProcess(env);
    const result = await loadUntilKilled(first, plan, 8, 2_000);
    console.log(
      `PGlite crash: ${result.acknowledged.size} acknowledged, ${result.unanswered.length} unanswered at the kill`,
    );
    expect(result.acknowledged.size).toBeGreaterThan(20);

    const reopenStarted = performance.now();
    const second = await startServerProcess(env);
    console.log(`PGlite crash: the folder reopened in ${Math.round(performance.now() - reopenStarted)} ms`);
    let used: number;
    let answers: Map<string, Outcome>;
    try {
      const before = await fetch(`${second.url}/api/v1/packages/${plan.packageId}`, {
        headers: { authorization: `Bearer ${plan.token}` },
      }).then((r) => r.json());
      const survived = before.lines[0].used as number;
      console.log(
        `PGlite crash: ${survived} redemptions in the ledger after the restart, for ${result.acknowledged.size} acknowledged`,
      );
      // What the embedded mode guarantees after a kill -9, as measured: every acknowledged write.
      expect(survived).toBeGreaterThanOrEqual(result.acknowledged.size);
      expect(survived).toBeLessThanOrEqual(result.acknowledged.size + result.unanswered.length);
      answers = await retryAll(second.url, plan, result);
      checkRetries(result, answers);
      const after = await fetch(`${second.url}/api/v1/packages/${plan.packageId}`, {
        headers: { authorization: `Bearer ${plan.token}` },
      }).then((r) => r.json());
      used = after.lines[0].used;
    } finally {
      await second.stop();
    }
    expect(used).toBe(answers.size);
    const verify = await runCli(["verify"], env);
    expect(verify.code, verify.stdout + verify.stderr).toBe(0);
  });
});
