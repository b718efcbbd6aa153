// Benchmark 1: redemptions over HTTP (bearer token, an Idempotency-Key on every call, as the web
// app sends), against pgbench tpcb-like on the same server with the same number of clients.
// `BENCH_WEBHOOK=1`: the same with a webhook endpoint registered for package.redeemed (W3), posted
// to a receiver on this machine by the server's own delivery worker while the load runs.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { createBusiness, ids, insertCustomers, insertPackages } from "./generate.js";
import {
  adminQuery,
  bearerToken,
  DURATION_S,
  databaseExists,
  type LoadResult,
  load,
  median,
  ROOT,
  report,
  round,
  settle,
  startServer,
  urlFor,
  WARMUP_S,
  withClient,
} from "./lib.js";

const DB = "carnet_bench_redeem";
const PGBENCH_DB = "carnet_pgbench";
const PGBENCH = process.env.PGBENCH || "pgbench";
const DISTINCT = 64;
const CONTENDED = 10;
/** pgbench/Carnet pairs at 16 clients; the figures are their medians. */
const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 3));

function pgbenchArgs(): string[] {
  const url = new URL(urlFor(PGBENCH_DB));
  return [
    "-h",
    decodeURIComponent(url.hostname),
    "-p",
    url.port || "5432",
    "-U",
    decodeURIComponent(url.username || "postgres"),
  ];
}

/**
 * pgbench's rate, and its own latencies from its per-transaction log (`-l`): what a small write
 * transaction's p99 is on this server at that moment, beside Carnet's.
 */
export async function pgbenchRun(clients: number): Promise<{ tps: number; p50_ms: number; p99_ms: number }> {
  const logs = mkdtempSync(join(tmpdir(), "carnet-pgbench-"));
  try {
    const out = execFileSync(
      PGBENCH,
      [
        ...pgbenchArgs(),
        "-b",
        "tpcb-like",
        "-c",
        String(clients),
        "-j",
        "2",
        "-T",
        String(DURATION_S),
        "-n",
        "-l",
        `--log-prefix=${join(logs, "tx")}`,
        PGBENCH_DB,
      ],
      { encoding: "utf8", cwd: logs },
    );
    const m = /tps = ([\d.]+)/.exec(out);
    if (!m?.[1]) throw new Error(`pgbench printed no tps:\n${out}`);
    // one line per transaction: client, number, latency in µs, script, epoch s, µs
    const latencies = readdirSync(logs)
      .flatMap((file) => readFileSync(join(logs, file), "utf8").split("\n"))
      .filter(Boolean)
      .map((line) => Number(line.split(" ")[2]) / 1000)
      .sort((a, b) => a - b);
    const at = (q: number) =>
      round(latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * q))] ?? 0, 2);
    return { tps: Number(m[1]), p50_ms: at(0.5), p99_ms: at(0.99) };
  } finally {
    rmSync(logs, { recursive: true, force: true });
  }
}

export async function preparePgbench() {
  const ready =
    (await databaseExists(PGBENCH_DB)) &&
    (await withClient(PGBENCH_DB, (c) =>
      c.query("SELECT count(*)::int AS n FROM pgbench_branches").then(
        (r) => r.rows[0].n === 10,
        () => false,
      ),
    ));
  if (!ready) {
    await adminQuery(`DROP DATABASE IF EXISTS ${PGBENCH_DB} WITH (FORCE)`);
    await adminQuery(`CREATE DATABASE ${PGBENCH_DB}`);
    execFileSync(PGBENCH, [...pgbenchArgs(), "-i", "-s", "10", "-q", PGBENCH_DB], { stdio: "ignore" });
  }
}

async function prepareCarnet(): Promise<Array<{ packageId: string; lineId: string }>> {
  await createBusiness(DB);
  const n = DISTINCT + CONTENDED;
  await withClient(DB, async (c) => {
    await insertCustomers(c, 1, n);
    await insertPackages(c, {
      from: 1,
      to: n,
      customerOf: "i::text",
      granted: "1000000",
      used: 0,
      expires: false,
    });
    await c.query("VACUUM ANALYZE");
  });
  return withClient(DB, (c) =>
    c
      .query(
        `SELECT ${ids.package("i::text")}::text AS "packageId", ${ids.line("i::text")}::text AS "lineId"
           FROM generate_series(1, ${n}) i ORDER BY i`,
      )
      .then((r) => r.rows),
  );
}

/** A receiver on this machine that takes every webhook post and counts them. */
async function startReceiver(): Promise<{ server: Server; url: string; count: () => number }> {
  let received = 0;
  const server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      received++;
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${port}/carnet`, count: () => received };
}

/** Deliveries not yet posted (webhook_deliveries still pending). */
const pendingDeliveries = () =>
  withClient(DB, (c) =>
    c
      .query("SELECT count(*)::int AS n FROM webhook_deliveries WHERE status = 'pending'")
      .then((r) => Number(r.rows[0].n)),
  );

/**
 * Waits until every delivery is posted, three minutes at most, and says how far behind delivery
 * was when the round's load stopped.
 */
async function drain(drains: Array<{ backlog: number; seconds: number }>) {
  const started = performance.now();
  const backlog = await pendingDeliveries();
  let left = backlog;
  while (left > 0 && performance.now() - started < 180_000) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    left = await pendingDeliveries();
  }
  const seconds = (performance.now() - started) / 1000;
  drains.push({ backlog, seconds });
  console.log(
    `webhooks: ${backlog} events still to post when the load stopped; ${left === 0 ? "all posted" : `${left} still pending`} ${round(seconds, 1)} s later`,
  );
}

async function registerEndpoint(base: string, token: string, url: string) {
  const res = await fetch(`${base}/api/v1/webhooks`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify({ url, events: ["package.redeemed"], description: "benchmark receiver" }),
  });
  if (!res.ok) throw new Error(`registering the webhook endpoint: ${res.status} ${await res.text()}`);
}

/** `BENCH_ONLY=c16`: the 16-client run and its ratio alone, for quick comparisons while profiling. */
function reportQuick(figures: Record<string, number>): boolean {
  figures.redeem_tps_ratio_vs_pgbench = figures.redeem_tps_ratio_vs_pgbench_c16 ?? 0;
  return report("redeem", figures, [{ figure: "redeem_tps_ratio_vs_pgbench", op: ">=", value: 1.0 }]);
}

function summarize(r: LoadResult) {
  const ok = r.statuses["200"] ?? 0;
  const conflicts = r.statuses["409"] ?? 0;
  return { ok, conflicts, errors: r.requests - ok - conflicts };
}

export async function runRedeem(): Promise<boolean> {
  console.log("preparing databases…");
  await preparePgbench();
  const lines = await prepareCarnet();
  await settle();
  const withWebhook = process.env.BENCH_WEBHOOK === "1";
  const receiver = withWebhook ? await startReceiver() : null;
  const server = await startServer(
    { DATABASE_URL: urlFor(DB), ...(receiver ? { CARNET_WEBHOOK_ALLOW_NETWORKS: "loopback" } : {}) },
    3801,
  );
  let verified = false;
  const figures: Record<string, number> = {};
  // X3: what the server ran with (CARNET_WORKERS, the pool, the ledger's statements in flight)
  const workers = process.env.CARNET_WORKERS;
  const webProcesses = workers === "auto" ? availableParallelism() : Number(workers || 1);
  figures.redeem_web_processes = webProcesses;
  console.log(
    `server settings: ${webProcesses} web process${webProcesses === 1 ? "" : "es"} and a jobs process (CARNET_WORKERS=${process.env.CARNET_WORKERS ?? "unset"}), CARNET_DB_POOL_SIZE=${process.env.CARNET_DB_POOL_SIZE ?? "default"}, CARNET_LEDGER_IN_FLIGHT=${process.env.CARNET_LEDGER_IN_FLIGHT ?? "default"}`,
  );
  try {
    const token = await bearerToken(server.url);
    if (receiver) await registerEndpoint(server.url, token, receiver.url);
    const run = Date.now().toString(36);
    const redeemOn = (pick: (client: number) => number, tag: string) => (client: number, n: number) => {
      const line = lines[pick(client)]!;
      return {
        method: "POST" as const,
        path: `/api/v1/packages/${line.packageId}/lines/${line.lineId}/redeem`,
        headers: { authorization: `Bearer ${token}`, "idempotency-key": `${run}-${tag}-${client}-${n}` },
        body: '{"quantity":1}',
      };
    };
    const quick = process.env.BENCH_ONLY === "c16";
    // With a webhook endpoint: after each Carnet round, the events it caused are waited for before
    // pgbench runs, so that deliveries never run beside pgbench's turn.
    const drains: Array<{ backlog: number; seconds: number }> = [];
    for (const clients of quick ? [16] : [16, 64]) {
      // pgbench and Carnet take turns, ROUNDS times at 16 clients: on a shared machine the rate of
      // either drifts by a fifth between runs a minute apart, so one pair would compare two moments.
      const rounds: Array<{ pgTps: number; pgP99: number; r: LoadResult; ratio: number }> = [];
      for (let i = 0; i < (clients === 16 ? ROUNDS : 1); i++) {
        const pg = await pgbenchRun(clients);
        const pgTps = pg.tps;
        const r = await load(
          server.url,
          clients,
          DURATION_S,
          redeemOn((c) => c % DISTINCT, `d${clients}r${i}`),
          i === 0 ? WARMUP_S : 0,
        );
        const ratio = r.rps / pgTps;
        rounds.push({ pgTps, pgP99: pg.p99_ms, r, ratio });
        if (receiver) await drain(drains);
        console.log(
          `${clients} clients, distinct packages, round ${i + 1}: pgbench ${round(pgTps, 0)} tps (p50 ${pg.p50_ms} ms, p99 ${pg.p99_ms} ms), Carnet ${round(r.rps, 0)} req/s (×${round(ratio, 2)}), p50 ${r.p50_ms} ms, p99 ${r.p99_ms} ms,`,
          JSON.stringify(r.statuses),
          r.errorBodies,
        );
      }
      const mid = median(rounds.map((x) => x.ratio));
      const errors = rounds.reduce((n, x) => {
        const s = summarize(x.r);
        return n + s.errors + s.conflicts;
      }, 0);
      Object.assign(figures, {
        [`pgbench_tps_c${clients}`]: round(median(rounds.map((x) => x.pgTps)), 0),
        [`pgbench_p99_ms_c${clients}`]: median(rounds.map((x) => x.pgP99)),
        [`redeem_tps_c${clients}`]: round(median(rounds.map((x) => x.r.rps)), 0),
        [`redeem_p50_ms_c${clients}`]: median(rounds.map((x) => x.r.p50_ms)),
        [`redeem_p99_ms_c${clients}`]: median(rounds.map((x) => x.r.p99_ms)),
        [`redeem_errors_c${clients}`]: errors,
        [`redeem_tps_ratio_vs_pgbench_c${clients}`]: round(mid, 2),
      });
      if (rounds.length > 1) {
        figures[`redeem_tps_ratio_vs_pgbench_c${clients}_min`] = round(
          Math.min(...rounds.map((x) => x.ratio)),
          2,
        );
        figures[`redeem_tps_ratio_vs_pgbench_c${clients}_max`] = round(
          Math.max(...rounds.map((x) => x.ratio)),
          2,
        );
      }
    }
    if (drains.length > 0) {
      figures.webhook_backlog_at_round_end_max = Math.max(...drains.map((d) => d.backlog));
      figures.webhook_drain_s_max = round(Math.max(...drains.map((d) => d.seconds)), 1);
    }
    if (quick) return reportQuick(figures);
    const contended = await load(
      server.url,
      64,
      DURATION_S,
      redeemOn((c) => DISTINCT + (c % CONTENDED), "h"),
    );
    const s = summarize(contended);
    console.log("64 clients on 10 packages:", JSON.stringify(contended.statuses), contended.errorBodies);
    Object.assign(figures, {
      redeem_contended_tps_c64: round(contended.rps, 0),
      redeem_contended_p50_ms_c64: contended.p50_ms,
      redeem_contended_p99_ms_c64: contended.p99_ms,
      redeem_contended_conflicts_c64: s.conflicts,
      redeem_contended_errors_c64: s.errors,
    });
  } finally {
    await server.stop();
    if (receiver) {
      figures.webhook_events_received = receiver.count();
      console.log(`webhook endpoint registered: ${receiver.count()} events received during the run`);
      await new Promise((resolve) => receiver.server.close(resolve));
    }
  }
  try {
    execFileSync(process.execPath, [join(ROOT, "bin", "carnet.js"), "verify"], {
      env: { ...process.env, DATABASE_URL: urlFor(DB) },
      stdio: "inherit",
    });
    verified = true;
  } catch {}
  figures.redeem_verify_clean = verified ? 1 : 0;
  figures.redeem_tps_ratio_vs_pgbench = figures.redeem_tps_ratio_vs_pgbench_c16 ?? 0;
  return report("redeem", figures, [
    { figure: "redeem_tps_ratio_vs_pgbench", op: ">=", value: 1.0 },
    { figure: "redeem_p99_ms_c16", op: "<=", value: 25 },
    { figure: "redeem_errors_c16", op: "<=", value: 0 },
    { figure: "redeem_errors_c64", op: "<=", value: 0 },
    { figure: "redeem_contended_errors_c64", op: "<=", value: 0 },
    { figure: "redeem_verify_clean", op: ">=", value: 1 },
  ]);
}

if (import.meta.filename === process.argv[1]) await runRedeem();
