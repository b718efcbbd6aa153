// X1: backups that restore. Clients redeem with Idempotency-Keys through a running server while
// `carnet backup` runs; the backup is restored into a fresh folder (embedded) or a fresh database
// (PostgreSQL) with `carnet restore`. Then: every redemption acknowledged before the backup began is
// in the restored ledger, each once; nothing acknowledged after the backup ended is needed there,
// but whatever is there is whole (verify clean: every counter equals its movements, and the
// idempotency record of each redemption in it is there too).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "kysely";
import { afterAll, describe, expect, it } from "vitest";
import { type Database, openDatabase } from "../../src/db/database.js";
import { runCli, startServerProcess } from "../support/processes.js";
import { scenario } from "../support/scenario.js";
import { adminQuery, serverDatabaseUrl } from "../support/test-db.js";
import {
  databaseUrlOf,
  post,
  type RedeemPlan,
  scenarioRedeemPlan,
  seedRedeemPlan,
  sleep,
} from "./support.js";

type Plan = RedeemPlan;

/**
 * Redeems from `clients` loops until stopped; runs `backup` in the middle of it. Answers the keys
 * acknowledged before the backup began, and all acknowledged keys.
 */
async function redeemAroundBackup(url: string, plan: Plan, backup: () => Promise<void>) {
  const path = `/api/v1/packages/${plan.packageId}/lines/${plan.lineId}/redeem`;
  const acknowledged = new Map<string, number>(); // key → when (ms) its answer came
  let stop = false;
  const loops = Array.from({ length: 6 }, async (_, c) => {
    for (let i = 0; !stop; i++) {
      const key = `backup-${c}-${i}`;
      const res = await post(url, path, plan.token, { quantity: 1 }, key);
      if (res.status === 200) acknowledged.set(key, performance.now());
      else throw new Error(`redeem answered ${res.status}`);
    }
  });
  await sleep(3_000);
  const began = performance.now();
  await backup();
  const ended = performance.now();
  await sleep(1_000);
  stop = true;
  await Promise.all(loops);
  const before = [...acknowledged].filter(([, at]) => at < began).map(([key]) => key);
  expect(before.length).toBeGreaterThan(20);
  const during = [...acknowledged].filter(([, at]) => at >= began && at <= ended).length;
  return { before, all: acknowledged.size, during, backupMs: Math.round(ended - began) };
}

/** The restored ledger: each acknowledged key's redemption is there once, and the counter agrees. */
async function checkRestored(restored: Database, plan: Plan, before: string[]) {
  const keys = await sql<{ key: string }>`
    SELECT key FROM idempotency_keys WHERE key LIKE 'backup-%'`.execute(restored.db);
  const present = new Set(keys.rows.map((r) => r.key));
  const missing = before.filter((k) => !present.has(k));
  expect(missing).toEqual([]);
  const line = await sql<{ used: number; movements: number }>`
    SELECT l.used, (SELECT count(*)::int FROM movements m
                     WHERE m.business_id = l.business_id AND m.line_id = l.id AND m.kind = 'redeem') AS movements
      FROM package_lines l WHERE l.id = ${plan.lineId}`.execute(restored.db);
  // every redemption in the restored ledger has its idempotency record, and the counter its movements
  expect(line.rows[0]!.used).toBe(line.rows[0]!.movements);
  expect(line.rows[0]!.movements).toBe(present.size);
  return present.size;
}

describe("backup under load, then restore (X1)", () => {
  const dir = mkdtempSync(join(tmpdir(), "carnet-backup-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("embedded: a backup made by the running server restores every acknowledged redemption", async () => {
    const dataDir = join(dir, "data");
    const plan = await seedRedeemPlan({ dataDir }, "backup");
    const env = { CARNET_DATA_DIR: dataDir, DATABASE_URL: "" };
    const server = await startServerProcess(env);
    const file = join(dir, "embedded.tar.gz");
    let result: Awaited<ReturnType<typeof redeemAroundBackup>>;
    try {
      result = await redeemAroundBackup(server.url, plan, async () => {
        const out = await runCli(["backup", file], env);
        expect(out.code, out.stdout + out.stderr).toBe(0);
      });
      // the folder is the server's while it runs: nobody else opens it
      const refused = await runCli(["verify"], env);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain("server is running");
    } finally {
      await server.stop();
    }
    const restoredDir = join(dir, "restored");
    const restore = await runCli(["restore", file], { CARNET_DATA_DIR: restoredDir, DATABASE_URL: "" });
    expect(restore.code, restore.stdout + restore.stderr).toBe(0);
    expect(restore.stdout).toContain("clean");
    const again = await runCli(["restore", file], { CARNET_DATA_DIR: restoredDir, DATABASE_URL: "" });
    expect(again.code).toBe(1);
    expect(again.stderr).toContain("not empty");
    const restored = await openDatabase({ dataDir: restoredDir });
    try {
      const kept = await checkRestored(restored, plan, result.before);
      console.log(
        `embedded backup: ${result.all} acknowledged, ${result.before.length} before the backup (all restored), ${kept} in the backup, ${result.during} answered while it ran (${result.backupMs} ms)`,
      );
      expect(result.during).toBeGreaterThan(0);
    } finally {
      await restored.close();
    }
  });

  it("PostgreSQL: pg_dump while the server takes redemptions, pg_restore into a new database", async () => {
    const s = await scenario();
    const target = `carnet_restore_${process.pid}_${Date.now().toString(36)}`;
    try {
      const plan = await scenarioRedeemPlan(s, "backup");
      const env = { DATABASE_URL: await databaseUrlOf(s.database) };
      const server = await startServerProcess(env);
      const file = join(dir, "postgres.dump");
      let result: Awaited<ReturnType<typeof redeemAroundBackup>>;
      try {
        result = await redeemAroundBackup(server.url, plan, async () => {
          const out = await runCli(["backup", file], env);
          expect(out.code, out.stdout + out.stderr).toBe(0);
        });
      } finally {
        await server.stop();
      }
      const refused = await runCli(["restore", file], env);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain("already holds a Carnet");
      await adminQuery(`CREATE DATABASE ${target}`);
      const url = new URL(serverDatabaseUrl());
      url.pathname = `/${target}`;
      const restore = await runCli(["restore", file], { DATABASE_URL: url.toString() });
      expect(restore.code, restore.stdout + restore.stderr).toBe(0);
      const restored = await openDatabase({ databaseUrl: url.toString() });
      try {
        const kept = await checkRestored(restored, plan, result.before);
        console.log(
          `PostgreSQL backup: ${result.all} acknowledged, ${result.before.length} before pg_dump (all restored), ${kept} in the dump, ${result.during} answered while it ran (${result.backupMs} ms)`,
        );
      } finally {
        await restored.close();
      }
    } finally {
      await s.close();
      await adminQuery(`DROP DATABASE IF EXISTS ${target}`);
    }
  });
});
