// Mixed load for a bounded time through two server processes on PostgreSQL, from four client
// processes (test/soak/mixed-client.ts): redeem, undo, book from a package, cancel, tickets closed
// or voided, redemptions and refunds racing on shared packages, while this process keeps creating expired packages and ended package bookings and
// runs the expiry and end-of-appointment sweeps beside the servers' own schedulers. Then: no 5xx,
// `verify` clean, and every line's counters (and so the sum of its movements) equal what the
// clients were told; each swept package swept exactly once; each package refunded at most once,
// and store credit and refunds verify.
import { spawn } from "node:child_process";
import { join } from "node:path";
import { sql } from "kysely";
import { Temporal } from "temporal-polyfill";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bookAppointment } from "../../src/app/appointments.js";
import { updateSettings } from "../../src/app/manage-business.js";
import { verifyLedger } from "../../src/app/verify-ledger.js";
import { verifyMoney } from "../../src/app/verify-money.js";
import { sweepEndedAppointments } from "../../src/jobs/appointment-sweep.js";
import { sweepExpiredPackages } from "../../src/jobs/expiry-sweep.js";
import { type ServerProcess, startServerProcess, tokenForServerProcess } from "../support/processes.js";
import { lineCounters, type Scenario, type Sold, scenario } from "../support/scenario.js";
import { databaseUrlOf, sleep } from "./support.js";

const CLIENTS = 4;
const DURATION_MS = Number(process.env.CARNET_SOAK_MIXED_MS ?? 45_000);

interface Report {
  client: number;
  operations: number;
  told: {
    hotRedeemed: number;
    hotUndone: number;
    ownUsed: number;
    ownBooked: number;
    refundableRedeemed: Record<string, number>;
    refunds: Array<{ packageId: string; kind: string; amountMinor: number }>;
  };
  statuses: Record<string, number>;
  unexpected: string[];
}

let s: Scenario;
let servers: ServerProcess[] = [];

beforeAll(async () => {
  s = await scenario();
});
afterAll(async () => {
  await Promise.all(servers.map((p) => p.stop()));
  await s?.close();
});

function runClient(plan: object): Promise<Report> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", join(import.meta.dirname, "mixed-client.ts")], {
      env: { ...process.env, MIXED_PLAN: JSON.stringify(plan) },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), DURATION_MS + 60_000);
    child.on("exit", (code) => {
      clearTimeout(timer);
      const line = out.trim().split("\n").pop() ?? "";
      try {
        resolve(JSON.parse(line) as Report);
      } catch {
        reject(new Error(`client exited with ${code}:\n${out}`));
      }
    });
  });
}

describe("mixed load from several processes (L1, L2, L3, A5, T6, P8)", () => {
  it("ends with every counter equal to what the clients were told, and verify clean", async () => {
    const hot = await s.sold(await s.template({ items: [{ itemId: s.items.manicure, quantity: 100_000 }] }));
    const ownTemplate = await s.template({
      name: "Client pass",
      items: [{ itemId: s.items.manicure, quantity: 5_000 }],
    });
    const own: Sold[] = [];
    for (let c = 0; c < CLIENTS; c++)
      own.push(await s.sold(ownTemplate, { customerId: await s.customer(`Client ${c}`) }));
    // Shared by every client: redeemed from and refunded (partly used ones too) at the same time.
    await updateSettings(s.as("owner"), { allowRefundUsedPackages: true });
    const refundableTemplate = await s.template({
      name: "Refundable pass",
      items: [{ itemId: s.items.massage, quantity: 10 }],
    });
    const refundCustomer = await s.customer("Refund Rita");
    const refundable: Sold[] = [];
    for (let i = 0; i < 40; i++)
      refundable.push(await s.sold(refundableTemplate, { customerId: refundCustomer }));
    const frontDesk = await tokenForServerProcess(s.app, s.staff.front_desk, "soak");
    const manager = await tokenForServerProcess(s.app, s.staff.manager, "soak");
    const env = { DATABASE_URL: await databaseUrlOf(s.database) };
    servers = await Promise.all([startServerProcess(env), startServerProcess(env)]);

    // Beside the load: packages that have expired (one credit used) and bookings whose end has
    // passed, made in the fake past; the sweeps, run here with the real clock, must settle each once.
    const expiringTemplate = await s.template({
      name: "Short pass",
      validity: { kind: "days", count: 1 },
      items: [{ itemId: s.items.pedicure, quantity: 5 }],
    });
    const bookedTemplate = await s.template({
      name: "Booked pass",
      items: [{ itemId: s.items.facial, quantity: 3 }],
    });
    const expiring: Sold[] = [];
    const booked: Sold[] = [];
    let sweeping = true;
    let sweepRuns = 0;
    const app = { ...s.app, clock: () => Temporal.Now.instant() };
    const sweeper = (async () => {
      while (sweeping) {
        const e = await s.sold(expiringTemplate);
        await s.redeem(e);
        expiring.push(e);
        const b = await s.sold(bookedTemplate);
        await bookAppointment(s.as("front_desk"), {
          customerId: b.customerId,
          staffId: s.staff.practitioner.staffId,
          startAt: "2026-06-02T08:00:00Z",
          services: [{ itemId: s.items.facial, usePackage: true }],
          allowOverlap: true,
        });
        booked.push(b);
        await sweepExpiredPackages(s.database.db, Temporal.Now.instant());
        await sweepEndedAppointments(app, Temporal.Now.instant());
        sweepRuns++;
        await sleep(200);
      }
    })();

    const reports = await Promise.all(
      own.map((o, c) =>
        runClient({
          client: c,
          urls: servers.map((p) => p.url),
          frontDesk,
          manager,
          hot: { packageId: hot.packageId, lineId: hot.lineId },
          own: { customerId: o.customerId, packageId: o.packageId, lineId: o.lineId },
          refundable: refundable.map((p) => ({ packageId: p.packageId, lineId: p.lineId })),
          manicure: s.items.manicure,
          staffId: s.staff.practitioner.staffId,
          durationMs: DURATION_MS,
        }),
      ),
    );
    sweeping = false;
    await sweeper;
    await sweepExpiredPackages(s.database.db, Temporal.Now.instant());
    await sweepEndedAppointments(app, Temporal.Now.instant());

    const statuses: Record<string, number> = {};
    for (const r of reports)
      for (const [k, v] of Object.entries(r.statuses)) statuses[k] = (statuses[k] ?? 0) + v;
    const operations = reports.reduce((n, r) => n + r.operations, 0);
    console.log(
      `mixed load: ${operations} operations in ${DURATION_MS / 1000} s from ${CLIENTS} processes, statuses ${JSON.stringify(statuses)}; ${sweepRuns} sweep rounds over ${expiring.length} expired packages and ${booked.length} ended bookings`,
    );
    expect(reports.flatMap((r) => r.unexpected)).toEqual([]);
    expect(operations).toBeGreaterThan(100);

    // The hot line: every client's acknowledged redemptions less their acknowledged undos.
    const redeemed = reports.reduce((n, r) => n + r.told.hotRedeemed, 0);
    const undone = reports.reduce((n, r) => n + r.told.hotUndone, 0);
    expect(redeemed).toBeGreaterThan(0);
    expect(undone).toBeGreaterThan(0);
    expect(await lineCounters(s.database, hot.lineId)).toMatchObject({ used: redeemed - undone, booked: 0 });
    // Each client's own line: what it was told about redemptions, bookings and tickets.
    for (const r of reports) {
      const counters = await lineCounters(s.database, own[r.client]!.lineId);
      expect({ client: r.client, used: counters.used, booked: counters.booked }).toEqual({
        client: r.client,
        used: r.told.ownUsed,
        booked: r.told.ownBooked,
      });
    }
    // Swept: each expired package wrote off its 4 free credits once; each ended booking was used once.
    for (const e of expiring)
      expect(await lineCounters(s.database, e.lineId)).toMatchObject({ used: 1, expired: 4 });
    for (const b of booked)
      expect(await lineCounters(s.database, b.lineId)).toMatchObject({ used: 1, booked: 0 });
    const twice = await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM (
        SELECT line_id FROM movements WHERE kind = 'expire' GROUP BY line_id HAVING count(*) > 1
      ) x`.execute(s.database.db);
    expect(twice.rows[0]!.n).toBe(0);
    // Refunds: each package at most once, whoever raced for it; its redemptions as told; the store
    // credit the sum of the store-credit refunds the clients were told of.
    const refunds = reports.flatMap((r) => r.told.refunds);
    expect(refunds.length).toBeGreaterThan(0);
    const refundedTwice = refunds.filter(
      (r, i) => refunds.findIndex((x) => x.packageId === r.packageId) !== i,
    );
    expect(refundedTwice).toEqual([]);
    for (const p of refundable) {
      const told = reports.reduce((n, r) => n + (r.told.refundableRedeemed[p.packageId] ?? 0), 0);
      expect(await lineCounters(s.database, p.lineId)).toMatchObject({ used: told, booked: 0 });
    }
    const refundedRows = await sql<{ package_id: string }>`
      SELECT id AS package_id FROM customer_packages WHERE refunded_at IS NOT NULL AND customer_id = ${refundCustomer}`.execute(
      s.database.db,
    );
    expect(refundedRows.rows.map((r) => r.package_id).sort()).toEqual(refunds.map((r) => r.packageId).sort());
    const credited = refunds.filter((r) => r.kind === "store_credit").reduce((n, r) => n + r.amountMinor, 0);
    const balance = await sql<{ balance_minor: number }>`
      SELECT coalesce(sum(balance_minor), 0)::bigint AS balance_minor FROM store_credit_accounts
       WHERE customer_id = ${refundCustomer}`.execute(s.database.db);
    expect(Number(balance.rows[0]!.balance_minor)).toBe(credited);
    // And the cached counters equal the sum of the movements everywhere; money too.
    expect((await verifyLedger(s.database.db)).mismatches).toEqual([]);
    expect(await verifyMoney(s.database.db)).toEqual([]);
  });
});
