// Benchmark: webhooks (W3). 10,000 quick redemptions, with one endpoint registered that subscribes
// to package.redeemed, are fanned out and posted to a receiver on this machine by the delivery
// worker (src/jobs/webhook-delivery.ts); the figure is events posted, signed and marked per second.
// Beside it, the redemptions' own rate with and without the endpoint registered, in this process
// through the ledger's write path, so that the cost of writing the event with the movement shows.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { Temporal } from "temporal-polyfill";
import { type App, type Ctx, systemClock } from "../src/app/context.js";
import { redeemLine } from "../src/app/redeem-credits.js";
import { newWebhookSecret } from "../src/app/webhooks/signing.js";
import { openDatabase } from "../src/db/database.js";
import { deliverWebhooks } from "../src/jobs/webhook-delivery.js";
import { createBusiness, ids, insertCustomers, insertPackages } from "./generate.js";
import { dropDatabase, report, round, settle, urlFor, withClient } from "./lib.js";

const DB = "carnet_bench_webhooks";
const EVENTS = 10_000;
/** redemptions written without an endpoint first, for the rate to compare */
const WITHOUT = 5_000;
const PACKAGES = 200;
const CLIENTS = 16;

async function redeemAll(ctx: Ctx, lines: string[], count: number): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      for (let n = next++; n < count; n = next++) {
        await redeemLine(ctx, { lineId: lines[n % lines.length]!, quantity: 1 });
      }
    }),
  );
  return count / ((performance.now() - started) / 1000);
}

async function main() {
  await dropDatabase(DB);
  await createBusiness(DB);
  await withClient(DB, async (c) => {
    await insertCustomers(c, 1, PACKAGES);
    const credits = Math.ceil((EVENTS + WITHOUT) / PACKAGES) + 10;
    await insertPackages(c, {
      from: 1,
      to: PACKAGES,
      customerOf: "i::text",
      granted: String(credits),
      used: 0,
      expires: false,
    });
  });
  const received = { count: 0 };
  const receiver = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      received.count++;
      res.end("ok");
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  const database = await openDatabase({ databaseUrl: urlFor(DB), poolSize: CLIENTS });
  try {
    const { businessId, staffId, locationId, lines } = await withClient(DB, async (c) => {
      const row = (
        await c.query(
          `SELECT ${ids.business()}::text AS b, ${ids.staff()}::text AS s, ${ids.location()}::text AS l`,
        )
      ).rows[0];
      const lineRows = await c.query("SELECT id FROM package_lines ORDER BY id");
      return {
        businessId: row.b,
        staffId: row.s,
        locationId: row.l,
        lines: lineRows.rows.map((r) => r.id as string),
      };
    });
    const app: App = { database, clock: systemClock };
    const ctx: Ctx = { ...app, actor: { businessId, staffId, locationId, role: "owner" } };

    await settle();
    const withoutPerS = await redeemAll(ctx, lines, WITHOUT);
    // Registered directly: the API refuses a loopback URL unless the operator allows it.
    await withClient(DB, (c) =>
      c.query(
        "INSERT INTO webhook_endpoints (business_id, url, events, secret) VALUES ($1, $2, '{package.redeemed}', $3)",
        [businessId, `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`, newWebhookSecret()],
      ),
    );
    await settle();
    const withPerS = await redeemAll(ctx, lines, EVENTS);

    const started = performance.now();
    let delivered = 0;
    let failed = 0;
    for (;;) {
      const r = await deliverWebhooks(app, Temporal.Now.instant(), {
        policy: { allowLoopback: true, allowPrivate: false },
        batch: 64,
        rounds: 1_000,
      });
      delivered += r.delivered;
      failed += r.failed;
      if (r.delivered + r.failed === 0) break;
    }
    const seconds = (performance.now() - started) / 1000;
    const ok = report(
      "webhooks: 10,000 redemptions fanned out to one endpoint",
      {
        webhook_events: delivered,
        webhook_failures: failed,
        webhook_received: received.count,
        webhook_events_per_s: round(delivered / seconds),
        redeem_per_s_without_endpoint: round(withoutPerS),
        redeem_per_s_with_endpoint: round(withPerS),
        redeem_ratio_with_to_without: round(withPerS / withoutPerS, 2),
      },
      [
        { figure: "webhook_events_per_s", op: ">=", value: 1_000 },
        { figure: "webhook_events", op: ">=", value: EVENTS },
        { figure: "webhook_failures", op: "<=", value: 0 },
      ],
    );
    process.exitCode = ok ? 0 : 1;
  } finally {
    await database.close();
    receiver.close();
    await dropDatabase(DB);
  }
}

await main();
