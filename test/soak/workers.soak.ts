// X3, W3: `carnet serve --workers 3` on PostgreSQL, twice (two machines' worth: two supervisors,
// six web processes, two jobs processes, every job on in both). Clients redeem through both while
// one web process is killed with SIGKILL; its supervisor starts another. Then: every request was
// answered (a retry with its Idempotency-Key where a connection broke), the ledger verifies, every
// redemption's webhook reached the receiver, no event was posted twice at the same time by the two
// jobs processes, and each web process took a share of the requests.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifyLedger } from "../../src/app/verify-ledger.js";
import { newWebhookSecret } from "../../src/app/webhooks/signing.js";
import { JOBS_NICENESS } from "../../src/processes.js";
import { type ServerProcess, startServerProcess, tokenForServerProcess } from "../support/processes.js";
import { type Scenario, type Sold, scenario } from "../support/scenario.js";
import { databaseUrlOf, sleep } from "./support.js";

const WEB = 3;
const REDEMPTIONS = 600;
const CONCURRENCY = 24;

let s: Scenario;
let servers: ServerProcess[] = [];
let receiver: Server | undefined;

beforeAll(async () => {
  s = await scenario();
});
afterAll(async () => {
  await Promise.all(servers.map((p) => p.stop()));
  await new Promise((resolve) => (receiver ? receiver.close(resolve) : resolve(undefined)));
  await s?.close();
});

/** The processes a supervisor started: pid, niceness, and CPU time so far (clock ticks). */
function children(supervisor: number): Array<{ pid: number; nice: number; cpu: number }> {
  let out = "";
  try {
    out = execFileSync("ps", ["-o", "pid=,ni=,comm=", "--ppid", String(supervisor)], { encoding: "utf8" });
  } catch {
    return []; // ps exits 1 when there are none
  }
  return (
    out
      .trim()
      .split("\n")
      .filter(Boolean)
      // the node processes only: the first start after a source change also has esbuild's service
      // (bin/carnet.js builds the bundle) as a child
      .filter((line) => line.trim().split(/\s+/)[2] === "node")
      .map((line) => {
        const [pid, nice] = line.trim().split(/\s+/).map(Number) as [number, number];
        let cpu = 0;
        try {
          // utime and stime: fields 14 and 15 of /proc/<pid>/stat (after the command in parentheses)
          const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
          cpu = Number(fields[11]) + Number(fields[12]);
        } catch {}
        return { pid, nice, cpu };
      })
  );
}

async function until(what: string, check: () => boolean, ms = 30_000) {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > ms) throw new Error(`waited ${ms / 1000} s for ${what}`);
    await sleep(100);
  }
}

describe("several processes on one database (X3, W3)", () => {
  it("serves from every web process, restarts a killed one, and delivers each webhook once", async () => {
    // A receiver that notes each post's id and whether another post of the same id was in flight.
    const posts = new Map<string, number>();
    const inFlight = new Map<string, number>();
    const overlapped: string[] = [];
    receiver = createServer((req, res) => {
      const id = String(req.headers["webhook-id"]);
      const now = (inFlight.get(id) ?? 0) + 1;
      inFlight.set(id, now);
      if (now > 1) overlapped.push(id);
      req.resume();
      req.on("end", () =>
        setTimeout(() => {
          inFlight.set(id, (inFlight.get(id) ?? 1) - 1);
          posts.set(id, (posts.get(id) ?? 0) + 1);
          res.writeHead(204).end();
        }, 5),
      );
    });
    await new Promise<void>((resolve) => receiver!.listen(0, "127.0.0.1", resolve));
    const hookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/carnet`;
    await sql`INSERT INTO webhook_endpoints (business_id, url, events, secret)
              VALUES (${s.businessId}, ${hookUrl}, '{package.redeemed}', ${newWebhookSecret()})`.execute(
      s.database.db,
    );

    const template = await s.template({ items: [{ itemId: s.items.manicure, quantity: 50 }] });
    const packages: Sold[] = [];
    for (let i = 0; i < CONCURRENCY; i++) packages.push(await s.sold(template));
    const token = await tokenForServerProcess(s.app, s.staff.front_desk, "workers soak");
    const env = { DATABASE_URL: await databaseUrlOf(s.database), CARNET_WEBHOOK_ALLOW_NETWORKS: "loopback" };
    servers = await Promise.all([
      startServerProcess(env, ["--workers", String(WEB)]),
      startServerProcess(env, ["--workers", String(WEB)]),
    ]);
    for (const server of servers) {
      await until("each supervisor's processes", () => children(server.child.pid!).length === WEB + 1);
      const started = children(server.child.pid!);
      expect(started.filter((c) => c.nice === 0)).toHaveLength(WEB);
      expect(started.filter((c) => c.nice >= JOBS_NICENESS)).toHaveLength(1);
    }
    const before = new Map(servers.flatMap((p) => children(p.child.pid!).map((c) => [c.pid, c.cpu])));

    // The load: each client its own package, its own connection, alternating between the servers.
    let next = 0;
    let retried = 0;
    const statuses: Record<string, number> = {};
    const redeemOnce = async (client: number, n: number) => {
      const sold = packages[client]!;
      const server = servers[(client + n) % servers.length]!;
      for (let attempt = 0; ; attempt++) {
        try {
          const res = await fetch(
            `${server.url}/api/v1/packages/${sold.packageId}/lines/${sold.lineId}/redeem`,
            {
              method: "POST",
              headers: {
                authorization: `Bearer ${token}`,
                "content-type": "application/json",
                "idempotency-key": `workers-${client}-${n}`,
                connection: "close",
              },
              body: '{"quantity":1}',
              signal: AbortSignal.timeout(10_000),
            },
          );
          await res.text();
          if (res.status >= 500 && attempt < 20) {
            retried++;
            await sleep(100);
            continue;
          }
          statuses[res.status] = (statuses[res.status] ?? 0) + 1;
          return;
        } catch (error) {
          // a connection the killed process held: the same key again, as a client would
          if (attempt >= 20) throw error;
          retried++;
          await sleep(100);
        }
      }
    };
    const perClient = REDEMPTIONS / CONCURRENCY;
    const load = Promise.all(
      packages.map(async (_, client) => {
        for (let n = 0; n < perClient; n++) {
          await redeemOnce(client, n);
          next++;
        }
      }),
    );
    // A third of the way in, one web process of the first server dies without a word.
    await until("a third of the load", () => next >= REDEMPTIONS / 3);
    const victim = children(servers[0]!.child.pid!).find((c) => c.nice === 0)!;
    process.kill(victim.pid, "SIGKILL");
    await load;
    await until("the killed process's successor", () => {
      const now = children(servers[0]!.child.pid!);
      return now.length === WEB + 1 && !now.some((c) => c.pid === victim.pid);
    });

    expect(statuses).toEqual({ "200": REDEMPTIONS });
    const counters = await s.database.db
      .selectFrom("package_lines")
      .select(({ fn }) => fn.sum<string>("used").as("used"))
      .where("business_id", "=", s.businessId)
      .where(
        "package_id",
        "in",
        packages.map((p) => p.packageId),
      )
      .executeTakeFirstOrThrow();
    expect(Number(counters.used)).toBe(REDEMPTIONS);
    expect((await verifyLedger(s.database.db)).mismatches).toEqual([]);

    // Every redemption's event reaches the receiver (the jobs processes post within seconds).
    const events = await sql<{ id: string }>`
      SELECT id FROM webhook_events WHERE business_id = ${s.businessId} AND type = 'package.redeemed'`.execute(
      s.database.db,
    );
    expect(events.rows).toHaveLength(REDEMPTIONS);
    await until("every event posted", () => events.rows.every((e) => posts.has(e.id)), 60_000);
    expect(overlapped).toEqual([]);
    const twice = [...posts.values()].filter((n) => n > 1).length;
    // at least once: a repeat is allowed only after a lost answer, and none was lost here
    expect(twice).toBe(0);

    // Each web process that lived through the load did some of it.
    const after = servers.flatMap((p) => children(p.child.pid!));
    for (const c of after.filter((c) => c.nice === 0 && before.has(c.pid))) {
      expect(c.cpu - before.get(c.pid)!).toBeGreaterThan(0);
    }
    console.log(
      `workers soak: ${REDEMPTIONS} redemptions through ${servers.length} × ${WEB} web processes, ${retried} retried after the kill, ${posts.size} events posted once each`,
    );
  }, 180_000);
});
