// The database out of reach for a few seconds under load. A TCP proxy that this test starts sits
// between the server process and PostgreSQL (the shared cluster is never stopped). Twice under load
// the proxy cuts every connection: first refusing new ones (a database that is down), then
// accepting them and never answering (packets dropped). During a cut every request gets 503
// `database_unavailable` within a bounded time, never a 500 and never a hang; once the proxy
// forwards again the server recovers by itself; afterwards the ledger holds every acknowledged
// redemption once and verifies clean.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifyLedger } from "../../src/app/verify-ledger.js";
import { statusOf, toAppError } from "../../src/http/errors.js";
import { type ServerProcess, startServerProcess, tokenForServerProcess } from "../support/processes.js";
import { type Scenario, type Sold, scenario } from "../support/scenario.js";
import { serverDatabaseUrl } from "../support/test-db.js";
import { databaseUrlOf, type Outcome, post, sleep, TcpProxy } from "./support.js";

/** longer than the connection and reply timeouts, so that a dropped network shows its bounds */
const CUT_MS = 8_000;
/** the reply timeout (statement timeout 1 s + 5 s) plus slack for a loaded machine */
const BOUND_MS = 10_000;

interface Sample extends Outcome {
  at: number;
  kind: "redeem" | "read";
}

let s: Scenario;
let proxy: TcpProxy;
let server: ServerProcess;
let pkg: Sold;
let token: string;

beforeAll(async () => {
  s = await scenario();
  pkg = await s.sold(await s.template({ items: [{ itemId: s.items.manicure, quantity: 100_000 }] }));
  token = await tokenForServerProcess(s.app, s.staff.front_desk, "outage");
  const target = new URL(serverDatabaseUrl());
  proxy = await new TcpProxy(target.hostname, Number(target.port || 5432)).start();
  // Short bounds, so that a frozen network shows them within the test: the server gives up on a
  // statement after 1 s and on a reply lost on the network after 6 s.
  server = await startServerProcess({
    DATABASE_URL: await databaseUrlOf(s.database, proxy),
    CARNET_DB_STATEMENT_TIMEOUT_MS: "1000",
  });
});

afterAll(async () => {
  await server?.stop();
  await proxy?.close();
  await s?.close();
});

async function read(base: string): Promise<Outcome> {
  const started = performance.now();
  try {
    const res = await fetch(`${base}/api/v1/packages/${pkg.packageId}`, {
      headers: { authorization: `Bearer ${token}` },
      signal: AbortSignal.timeout(20_000),
    });
    return { key: "", status: res.status, body: await res.text(), ms: performance.now() - started };
  } catch {
    return { key: "", status: "no_answer", body: "", ms: performance.now() - started };
  }
}

describe("PostgreSQL out of reach under load", () => {
  it("maps every way pg reports a lost database to 503 database_unavailable", () => {
    for (const error of [
      Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:1"), { code: "ECONNREFUSED" }),
      Object.assign(new Error("read ECONNRESET"), { code: "ECONNRESET" }),
      new Error("Connection terminated unexpectedly"),
      new Error("timeout exceeded when trying to connect"),
      new Error("Query read timeout"),
      new Error("Client has encountered a connection error and is not queryable"),
      new Error("Received unexpected commandComplete message from backend."),
      Object.assign(new Error("terminating connection due to administrator command"), { code: "57P01" }),
    ]) {
      const app = toAppError(error);
      expect(app && statusOf(app), error.message).toBe(503);
      expect(app?.code).toBe("database_unavailable");
    }
  });

  it("answers 503 database_unavailable in bounded time during each cut, recovers alone, loses nothing", async () => {
    const t0 = performance.now();
    const now = () => performance.now() - t0;
    const samples: Sample[] = [];
    const windows: Array<{ mode: string; from: number; to: number }> = [];
    let stop = false;
    const path = `/api/v1/packages/${pkg.packageId}/lines/${pkg.lineId}/redeem`;
    const loops = Array.from({ length: 8 }, async (_, c) => {
      for (let i = 0; !stop && i < 100_000; i++) {
        const at = now();
        if (i % 2 === 0) {
          const res = await post(server.url, path, token, { quantity: 1 }, `outage-${c}-${i}`);
          samples.push({ ...res, at, kind: "redeem" });
        } else samples.push({ ...(await read(server.url)), at, kind: "read" });
        if (samples[samples.length - 1]!.status !== 200) await sleep(50);
      }
    });
    for (const mode of ["refuse", "blackhole", "freeze"] as const) {
      await sleep(2_000);
      const from = now();
      await proxy.cut(mode);
      await sleep(CUT_MS);
      await proxy.restore();
      windows.push({ mode, from, to: now() });
    }
    await sleep(5_000);
    stop = true;
    await Promise.all(loops);

    const statuses: Record<string, number> = {};
    for (const x of samples) statuses[String(x.status)] = (statuses[String(x.status)] ?? 0) + 1;
    const slowest = Math.max(...samples.map((x) => x.ms));
    console.log(
      `outage: ${samples.length} requests, statuses ${JSON.stringify(statuses)}, slowest ${Math.round(slowest)} ms`,
    );
    expect(server.child.exitCode, server.output().slice(-3000)).toBeNull();
    for (const w of windows) {
      const inside = samples.filter((x) => x.at < w.to && x.at + x.ms > w.from + 200);
      const refused = inside.filter((x) => x.status === 503);
      console.log(`outage (${w.mode}): ${inside.length} requests during the cut, ${refused.length} got 503`);
      expect(refused.length, `503s during the ${w.mode} cut`).toBeGreaterThan(0);
    }

    const failed = samples.find((x) => x.status === 500);
    if (failed) {
      const log = server.output();
      const at = log.indexOf("unexpected error");
      console.log(
        `first 500 at ${Math.round(failed.at)} ms (${failed.kind}); server log: ${log.slice(at - 200, at + 1500)}`,
      );
    }
    // Never a 500, never anything but success or a clear 503; never past the bound.
    expect(Object.keys(statuses).sort()).toEqual(expect.arrayContaining(["200", "503"]));
    expect(Object.keys(statuses).filter((k) => k !== "200" && k !== "503")).toEqual([]);
    for (const x of samples.filter((y) => y.status === 503))
      expect(JSON.parse(x.body).error.code).toBe("database_unavailable");
    expect(slowest).toBeLessThan(BOUND_MS);
    expect(server.child.exitCode, server.output().slice(-3000)).toBeNull();

    // Recovered alone: everything sent 3 s after the last restore succeeded.
    const last = windows[windows.length - 1]!;
    const late = samples.filter((x) => x.at > last.to + 3_000);
    expect(late.length).toBeGreaterThan(20);
    expect(late.filter((x) => x.status !== 200).map((x) => `${x.status} ${x.body}`)).toEqual([]);

    // The ledger: acknowledged redemptions are there once; a refused one may or may not have
    // committed before the cut, so its client retries it with the same key, as clients should.
    const redeems = samples.filter((x) => x.kind === "redeem");
    const retried = await Promise.all(
      redeems
        .filter((x) => x.status !== 200)
        .map((x) => post(server.url, path, token, { quantity: 1 }, x.key)),
    );
    expect(retried.filter((x) => x.status !== 200).map((x) => `${x.status} ${x.body}`)).toEqual([]);
    const line = await s.database.db
      .selectFrom("package_lines")
      .select("used")
      .where("id", "=", pkg.lineId)
      .executeTakeFirstOrThrow();
    expect(line.used).toBe(redeems.length);
    expect((await verifyLedger(s.database.db)).mismatches).toEqual([]);
  });
});
